"""Supplier names lead to the Supplier profile, in Chromium: a click on a name in a table's grid opens the profile
(in a new tab, as the grid opens links); by keyboard alone, Tab reaches the table's supplier links with a visible
focus ring and Enter opens the profile. A London-wide body opens as a buyer profile."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app
from tests.browser.test_browser_keyboard import _changed_pixels

FIRST = ("brightline software", "Brightline Software Limited")  # the sample's largest tech supplier

# The element holding the focus: its text, and whether it is a supplier link below a table.
FOCUSED = """() => { const e = document.activeElement;
  return {text: (e.innerText || '').trim(), shortcut: !!e.closest('[data-testid="stPageLink"]')}; }"""


def _profile_opened(page, supplier: tuple[str, str]) -> None:
    wait_for_app(page)
    assert urllib.parse.urlsplit(page.url).path.endswith("/supplier")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)["supplier"] == [supplier[0]]
    expect(page.get_by_role("heading", name=f"{supplier[1]}: tech payments")).to_be_visible(timeout=30_000)


@pytest.mark.browser
def test_a_click_on_a_supplier_name_in_a_table_opens_its_profile(page, app_url: str) -> None:
    page.goto(f"{app_url}/spend")
    wait_for_app(page)
    supplier_column = page.locator("th", has_text=re.compile(r"^Supplier$"))  # the grid's accessible table
    grid = page.get_by_test_id("stDataFrame").filter(has=supplier_column).first
    grid.scroll_into_view_if_needed()
    canvas = grid.locator("canvas").first
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    row = box["y"] + 37 + 35 / 2  # the first row, below the header
    for x in range(int(box["x"]) + 10, int(box["x"] + box["width"] / 2), 8):  # the link's text sets a pointer
        page.mouse.move(x, row)
        if canvas.evaluate("c => getComputedStyle(c).cursor") == "pointer":
            break
    else:
        pytest.fail("no supplier link under the mouse in the table's first row")
    with page.context.expect_page() as opened:
        page.mouse.click(x, row)
    _profile_opened(opened.value, FIRST)


@pytest.mark.browser
def test_supplier_links_are_reached_by_tab_and_followed_with_enter(page, app_url: str) -> None:
    page.goto(f"{app_url}/spend")
    wait_for_app(page)
    links = page.get_by_test_id("stMain").get_by_test_id("stPageLink")
    expect(links.first).to_contain_text(FIRST[1], timeout=30_000)
    page.get_by_label("Suppliers to show").focus()  # the widget just above the Top suppliers table
    for _ in range(60):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUSED)
        if focus["shortcut"]:
            break
    else:
        pytest.fail("Tab never reached a supplier link below the Top suppliers table")
    assert focus["text"] == FIRST[1]
    focused = page.locator(":focus")
    assert _changed_pixels(page, focused.element_handle()) >= 100, "the focused link shows no focus ring"
    page.keyboard.press("Enter")
    page.wait_for_url("**/supplier?**", timeout=30_000)
    _profile_opened(page, FIRST)


@pytest.mark.browser
def test_a_london_wide_body_opens_as_a_buyer_profile(page, app_url: str) -> None:
    page.goto(f"{app_url}/borough?borough=TFL")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Transport for London: tech spend")).to_be_visible(timeout=30_000)
    text = page.get_by_test_id("stMain").inner_text()
    assert "per resident" not in text and "Open challenges" not in text
    assert "were not recognised" not in text
