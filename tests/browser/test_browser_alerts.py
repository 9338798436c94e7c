"""Alerts in a real browser: the Demand calendar's and Challenges' download buttons give a valid Atom feed and a
calendar file of the view on screen, and the Copy link button is reachable by keyboard, copies the view's link
(filters and all) and says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import _serve, own_console_errors, wait_for_app
from tests.test_alerts import events_of, valid_atom

FOCUSED_IS_COPY = "() => document.activeElement && document.activeElement.innerText === 'Copy link'"


@pytest.fixture(scope="session")
def search_app_url(search_warehouse: Path):
    yield from _serve(search_warehouse)


def _download(page, label: str, tmp_path: Path) -> bytes:
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label).get_by_role("button")
    with page.expect_download() as download:
        button.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    return path.read_bytes()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "titles", "events"),
    [
        pytest.param(  # the plain run takes the calendar's (both pages draw the buttons with ui.tables)
            "challenges?q=AI",
            [
                "Use AI to answer residents (Camden)",
                "Spotting fraud early (Hackney)",
                "Artificial intelligence in social care (Sutton)",
            ],
            2,
            marks=pytest.mark.slow,
        ),
        (
            "calendar?q=AI",
            [
                "AI triage for the contact centre (Camden)",
                "Predicting rent arrears (Hackney)",
                "Resident chat service (Camden)",
            ],
            3,
        ),
    ],
)
def test_the_download_buttons_give_the_feed_and_the_calendar_of_the_view(
    page, search_app_url: str, tmp_path: Path, path: str, titles: list[str], events: int
) -> None:
    page.goto(f"{search_app_url}/{path}")
    wait_for_app(page)
    feed = valid_atom(_download(page, "Atom feed of this view", tmp_path))
    assert [e.title for e in feed.entries] == titles
    assert feed.feed.link == f"{search_app_url}/{path}"  # the feed links back to the view
    assert len(events_of(_download(page, "Calendar file (.ics)", tmp_path))) == events
    assert own_console_errors(page) == []


@pytest.mark.browser
def test_copy_link_is_reached_by_keyboard_and_copies_the_view(browser, search_app_url: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=search_app_url)
    page = context.new_page()
    try:
        page.goto(f"{search_app_url}/challenges?q=AI&status=open")
        wait_for_app(page)
        button = page.get_by_role("button", name="Copy link")
        expect(button).to_be_visible()
        for _ in range(80):  # Tab from the top of the page until the focus reaches the button
            page.keyboard.press("Tab")
            if page.evaluate(FOCUSED_IS_COPY):
                break
        assert page.evaluate(FOCUSED_IS_COPY), "Tab never reached the Copy link button"
        outline = button.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
        assert outline == "solid 3px", "the focused button shows a focus ring"
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_text("Link copied")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == f"{search_app_url}/challenges?q=AI&status=open"
    finally:
        context.close()


@pytest.mark.browser
def test_where_the_clipboard_is_refused_the_link_is_shown_selected(browser, search_app_url: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # no clipboard permission
    page = context.new_page()
    try:
        page.goto(f"{search_app_url}/calendar?q=cyber")
        wait_for_app(page)
        page.evaluate("() => { navigator.clipboard.writeText = () => Promise.reject(new Error('denied')); }")
        page.get_by_role("button", name="Copy link").click()
        field = page.get_by_role("textbox", name="Link to this view")
        expect(field).to_be_visible()
        expect(field).to_be_focused()
        assert field.input_value() == f"{search_app_url}/calendar?q=cyber"
    finally:
        context.close()
