"""Every registered page opened once per viewport width, and every check that only reads the settled page run on
that one load: opening a page and waiting for Streamlit to settle is most of a browser test's time.

1400 px (a desktop with the sidebar open): renders without errors, draws its charts, passes axe-core
(test_browser_pages.py); Tab reaches the skip link, the page links, every filter and download with a visible focus
(test_browser_keyboard.py); no request leaves the dashboard's own host (test_browser_offline.py).
At every width, every filter shows its choice whole (test_browser_phone.py).
320 px (in the plain run for the pages in PHONE_PLAIN, in the slow run for the others) and (in the slow run)
1024 px: no chart text overlaps or leaves its chart and the page never scrolls
sideways; at 320 px Tab also reaches every filter, download and link past a closed sidebar
(test_browser_phone.py). The focus ring is checked by screenshots at 1400 px in the plain run; the slow run (CI)
loads each page once more at 320 px to check it there too (two screenshots for each target Tab reaches).
No console errors of the app's own at any width. Checks that change the page (clicking, typing, downloading,
changing filters) keep their own loads in their own files.

A failed check does not hide the others on the same load: each failure names the page, width and check."""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest

from tests.browser.conftest import own_console_errors, page_urls, wait_for_app
from tests.browser.test_browser_keyboard import check_tab_reaches_navigation_filters_and_downloads_with_visible_focus
from tests.browser.test_browser_offline import check_no_request_leaves_the_server
from tests.browser.test_browser_pages import check_renders_and_is_accessible
from tests.browser.test_browser_phone import (
    WIDTHS,
    check_chart_text_never_overlaps_and_the_page_never_scrolls_sideways,
    check_every_filter_shows_its_choice_whole,
    check_on_a_phone_tab_reaches_every_filter_download_and_link,
)

DESKTOP = 1400
VIEWPORTS = {DESKTOP: 1000} | dict.fromkeys(WIDTHS, 900)  # width: height
PHONE = min(WIDTHS)
# The plain run opens each page at the desktop width, and at the phone width the pages with most charts and tables
# (PHONE_PLAIN); the slow run (CI) adds the phone width of the other pages, the laptop width, whose only check (chart
# text and sideways scrolling) the phone width also makes, and a phone load that checks the focus ring of every
# target Tab reaches (the plain run checks it at the desktop width).
PHONE_PLAIN = {"spend", "map"}


def _slow(path: str, width: int) -> bool:
    return width == max(WIDTHS) or (width == PHONE and path not in PHONE_PLAIN)


LOADS = [
    pytest.param(file, path, width, False, id=f"{file}-{width}px", marks=pytest.mark.slow if _slow(path, width) else ())
    for file, path in page_urls()
    for width in VIEWPORTS
] + [
    pytest.param(file, path, PHONE, True, id=f"{file}-{PHONE}px-focus", marks=pytest.mark.slow)
    for file, path in page_urls()
]


class Checks:
    """Runs named checks on one load; an assertion that fails is kept (with page, width and check) and the next
    check still runs; anything else (a time-out waiting for the page) stops the test, with the same names."""

    def __init__(self, where: str) -> None:
        self.where, self.failed = where, []

    @contextmanager
    def check(self, name: str):
        try:
            yield
        except AssertionError as error:
            self.failed.append(f"{self.where}, {name}: {error}")
        except Exception as error:
            error.add_note(f"while checking {self.where}: {name}")
            raise


@pytest.mark.browser
@pytest.mark.parametrize(("file", "path", "width", "phone_focus"), LOADS)
def test_settled_page(
    browser, app_url: str, file: str, path: str, width: int, phone_focus: bool, record_property
) -> None:
    context = browser.new_context(viewport={"width": width, "height": VIEWPORTS[width]})
    try:
        tab = context.new_page()
        tab.console_messages = []  # type: ignore[attr-defined]
        tab.on("console", lambda m: tab.console_messages.append((m.type, m.text, m.location.get("url", ""))))
        requested: list[str] = []
        tab.on("request", lambda request: requested.append(request.url))
        tab.goto(f"{app_url}/{path}")
        wait_for_app(tab)
        settled = time.monotonic()
        checks = Checks(f"{file} at {width} px")
        if not phone_focus:
            with checks.check("every filter shows its choice whole"):
                check_every_filter_shows_its_choice_whole(tab, file, width)
        if width == DESKTOP:
            with checks.check("renders, draws its charts and passes axe-core"):
                check_renders_and_is_accessible(tab, file, path, record_property)
            with checks.check("Tab reaches every page link, filter and download with a visible focus"):
                check_tab_reaches_navigation_filters_and_downloads_with_visible_focus(tab, file)
            with checks.check("no request leaves the server"):
                tab.wait_for_timeout(max(0, 1_000 - (time.monotonic() - settled) * 1_000))  # favicon and fonts
                check_no_request_leaves_the_server(tab, file, requested)
        else:
            if not phone_focus:  # the plain run's load at this width made this check
                with checks.check("chart text never overlaps and the page never scrolls sideways"):
                    check_chart_text_never_overlaps_and_the_page_never_scrolls_sideways(tab, file, width)
            if width == PHONE:
                with checks.check(
                    "on a phone Tab reaches every filter, download and link"
                    + (" with a visible focus" if phone_focus else "")
                ):
                    check_on_a_phone_tab_reaches_every_filter_download_and_link(tab, file, focus_ring=phone_focus)
        with checks.check("no console errors of the app's own"):
            assert own_console_errors(tab) == []
        if checks.failed:
            pytest.fail("\n\n".join(checks.failed), pytrace=False)
    finally:
        context.close()
