"""In a real browser: no page makes a request to any host but the dashboard's own (the page icon included; checked
on the shared load of test_browser_settled.py), and an unknown page path says "page not found" with a link to
every page instead of silently showing the Overview."""

from __future__ import annotations

from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import expect

from loti_demand.navigation import registered_pages
from tests.browser.conftest import wait_for_app

LOCAL = {"127.0.0.1", "localhost"}


def check_no_request_leaves_the_server(page, file: str, requested: list[str]) -> None:
    """`requested`: every URL the page asked for since before it opened (test_browser_settled.py records them and
    runs this at least a second after the app settled: the favicon and fonts load after the first paint)."""
    assert requested, "the page made requests"
    away = [
        url
        for url in requested
        if urlparse(url).scheme in ("http", "https", "ws", "wss") and urlparse(url).hostname not in LOCAL
    ]
    assert away == [], f"{file} asked other hosts for {away}"
    icon = page.locator("link[rel='shortcut icon']").get_attribute("href")
    assert icon.startswith("data:image/svg+xml"), icon  # the page icon travels inside the page


@pytest.mark.browser
@pytest.mark.parametrize(
    "path",
    [
        pytest.param("no_such_page", marks=pytest.mark.slow),  # the plain run takes the hostile one
        "%2A%2Areports%2A%2A%20%3Cb%3Ex",  # **reports** <b>x
    ],
)
def test_an_unknown_path_says_page_not_found_with_links(page, app_url: str, path: str) -> None:
    # The first visit after a server start runs in Streamlit's pages/-folder mode, whose own "Page not found" dialog
    # an unknown path would also raise (see ui.data.leave_legacy_multipage_mode): visit the front page first.
    page.goto(app_url)
    wait_for_app(page)
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Page not found")).to_be_visible()
    assert page.url == f"{app_url}/{path}", "the link stays as it was typed"
    assert page.get_by_role("dialog").count() == 0, "no Streamlit dialog to dismiss first"
    assert "Overview" not in main.get_by_role("heading").all_inner_texts()
    said = main.locator("p", has_text="There is no page at")
    assert said.count() == 1 and f"/{unquote(path)} in this dashboard" in said.inner_text()
    assert said.locator("b, strong, em").count() == 0, "the path is shown as typed, not as markup"
    links = main.get_by_test_id("stPageLink")
    # each link's text is its icon's name (a ligature of the bundled icon font), then the page's title
    assert [text.split("\n")[-1] for text in links.all_inner_texts()] == [p.title for p in registered_pages()]
    links.filter(has_text="Borough map").click()
    expect(main.get_by_role("heading", name="Borough map")).to_be_visible(timeout=30_000)
    wait_for_app(page)
    assert "Page not found" not in main.inner_text()
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    main.get_by_test_id("stPageLink").filter(has_text="Overview").click()  # the default page, from the same URL
    expect(main.get_by_role("heading", name="Overview")).to_be_visible(timeout=30_000)
