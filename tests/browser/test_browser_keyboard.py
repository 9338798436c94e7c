"""Every page works by keyboard alone (WCAG 2.1.1, 2.4.3, 2.4.7): Tab from the top of the page reaches the skip
link, every sidebar page link in order, and every filter widget and download button of the page; each of them
shows a visible focus indicator (checked on the shared load of test_browser_settled.py); a selectbox can be
changed with the arrow keys and Enter (and the URL follows); a sidebar page link opens its page with Enter; on a
phone, focus is never hidden under the page header."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageChops
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from loti_demand.navigation import registered_pages
from tests.browser.conftest import wait_for_app

# What a keyboard user must be able to reach: the page links and the page's filters and downloads.
MAIN_TARGETS = (
    '[data-testid="stMain"] :is([data-testid="stSelectbox"], [data-testid="stMultiSelect"], '
    '[data-testid="stTextInput"], [data-testid="stNumberInput"]) input, '
    '[data-testid="stMain"] [data-testid="stDownloadButton"] button'
)
TARGETS = '[data-testid="stSidebarNavLink"], ' + MAIN_TARGETS

# Tag each visible target with its position, then report which target (if any) holds the focus, and in what.
TAG_TARGETS = """sel => { const found = [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null);
  found.forEach((e, i) => e.setAttribute('data-kb-target', String(i)));
  return found.map(e => e.getAttribute('aria-label') || e.innerText.trim().split('\\n').pop()); }"""
FOCUSED = """() => { const e = document.activeElement;
  return {target: e.getAttribute('data-kb-target'), body: e === document.body,
          skip: !!e.closest('[data-testid="stSkipToContent"]'),
          where: e.closest('[data-testid]')?.getAttribute('data-testid')}; }"""


# CSS transitions off, so a screenshot taken right after the focus moves shows the focus style's end state.
NO_TRANSITIONS = """() => { if (document.getElementById('kb-no-transitions')) return;
  const style = document.createElement('style');
  style.id = 'kb-no-transitions';
  style.textContent = '*, *::before, *::after { transition: none !important; }';
  document.head.append(style); }"""


def _changed_pixels(page, element) -> int:
    """How many pixels around `element` look different with the focus on it than without (a focus ring shows)."""
    page.evaluate(NO_TRANSITIONS)
    widget = element.evaluate_handle(
        "e => e.closest('[data-testid=stSidebarNavLink], [data-testid=stSelectbox], [data-testid=stMultiSelect], "
        "[data-testid=stTextInput], [data-testid=stNumberInput], [data-testid=stDownloadButton]') || e"
    ).as_element()
    box = widget.bounding_box()
    clip = {
        "x": max(box["x"] - 6, 0),
        "y": max(box["y"] - 6, 0),
        "width": box["width"] + 12,
        "height": box["height"] + 12,
    }
    focused = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
    element.evaluate("e => e.blur()")
    blurred = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
    element.evaluate("e => e.focus()")  # carry on tabbing from here
    difference = ImageChops.difference(focused, blurred).convert("L")
    return difference.point(lambda v: 255 if v > 40 else 0).histogram()[255]


def check_tab_reaches_navigation_filters_and_downloads_with_visible_focus(page, file: str) -> None:
    """On the settled page at 1400 px (test_browser_settled.py): Tab reaches the skip link, the page links in
    order and every filter and download, each with a visible focus."""
    # the main area's widgets can still be mounting when the script state first reads notRunning
    page.wait_for_function("sel => document.querySelectorAll(sel).length > 0", arg=MAIN_TARGETS, timeout=30_000)
    labels = page.evaluate(TAG_TARGETS, TARGETS)
    nav_count = len(registered_pages())
    assert len(labels) > nav_count, f"{file}: no filter widget or download button to reach"
    order, faint, skip_link = [], [], False
    for _ in range(400):  # once round the whole page: until the focus wraps back to the top
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUSED)
        skip_link = skip_link or focus["skip"]
        if (focus["body"] or focus["skip"]) and order:
            break
        if focus["target"] is None or int(focus["target"]) in order:
            continue
        index = int(focus["target"])
        order.append(index)
        element = page.locator(f'[data-kb-target="{index}"]').element_handle()
        if (changed := _changed_pixels(page, element)) < 100:
            faint.append((labels[index], changed))
    assert skip_link, f"{file}: the first Tab does not reach the 'Skip to main content' link"
    assert order[:nav_count] == list(range(nav_count)), f"{file}: the page links are not reached first, in order"
    missed = [labels[i] for i in range(len(labels)) if i not in order]
    assert missed == [], f"{file}: Tab never reaches {missed}"
    assert faint == [], f"{file}: no visible focus indicator on (label, changed pixels) {faint}"


def _tab_to(page, name: str) -> None:
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.getAttribute('aria-label')") == name:
            return
    pytest.fail(f"Tab never reached {name!r}")


@pytest.mark.browser
def test_a_selectbox_changes_by_keyboard_and_the_link_follows(page, app_url: str) -> None:
    page.goto(f"{app_url}/spend")
    wait_for_app(page)
    metric = page.get_by_test_id("stMetricLabel").first
    before_label = metric.inner_text()  # "Tech spend, latest 12 months (...)"
    period = page.get_by_test_id("stSelectbox").filter(has_text="Period").locator("input")
    before = period.input_value()
    _tab_to(page, "Period")
    for _ in range(5):  # a late rerun can redraw the page and close the list (or take the focus) just after it opens
        page.keyboard.press("ArrowDown")  # opens the list
        try:
            page.get_by_role("listbox").wait_for(state="visible", timeout=2_000)
            break
        except PlaywrightTimeoutError:
            if page.evaluate("() => document.activeElement.getAttribute('aria-label')") != "Period":
                _tab_to(page, "Period")
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"[?&]period="), timeout=30_000)
    wait_for_app(page)
    chosen = period.input_value()
    assert chosen != before
    expect(metric).not_to_have_text(before_label, timeout=30_000)  # the headline is for the new period
    # the link now reopens this view
    link = page.url
    page.goto(link)
    wait_for_app(page)
    expect(page.get_by_test_id("stSelectbox").filter(has_text="Period").locator("input")).to_have_value(chosen)


@pytest.mark.browser
def test_a_sidebar_page_link_opens_with_enter(page, app_url: str) -> None:
    page.goto(app_url)
    wait_for_app(page)
    target = registered_pages()[-1]  # the last page: every other link is tabbed past on the way
    for _ in range(len(registered_pages()) + 2):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.innerText").strip().endswith(target.title):
            break
    else:
        pytest.fail(f"Tab never reached the {target.title!r} page link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=target.title, level=1)).to_be_visible(timeout=30_000)
    wait_for_app(page)
    assert page.url.rstrip("/").endswith(f"/{target.url_path}")
    assert page.locator('[data-testid="stException"]').count() == 0


# The focused element, where it is and whether it shows a focus outline; "covered" when it sits wholly under the page
# header (the header's own buttons and Streamlit's skip link, drawn over the header, are not covered).
FOCUS_PLACE = """() => { const e = document.activeElement, r = e.getBoundingClientRect();
  const header = document.querySelector('[data-testid="stHeader"]').getBoundingClientRect();
  const own = e.closest('[data-testid="stHeader"], [data-testid="stSkipToContent"]');
  return {name: (e.getAttribute('aria-label') || e.innerText || e.tagName).trim().slice(0, 40),
          covered: !own && r.height > 0 && r.bottom <= header.bottom,
          toolbar: e.getAttribute('data-testid') === 'stBaseButton-elementToolbar',
          outline: getComputedStyle(e).outlineStyle}; }"""


@pytest.mark.browser
def test_on_a_phone_focus_is_never_hidden_under_the_header_and_small_targets_are_24px(browser, app_url: str) -> None:
    """WCAG 2.4.11 (focus not obscured), 2.4.7 (a table toolbar's buttons show focus) and 2.5.8 (target size): at
    320px, going back through the Spend page by Shift+Tab scrolls each focused element into view below the page
    header, not under it."""
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        page.goto(f"{app_url}/spend?boroughs=E09000022%2CE09000028&period=fy2024")
        wait_for_app(page)
        removes = page.locator('[data-testid="stMultiSelect"] button[aria-label^="Remove"]')
        expect(removes).to_have_count(2)
        for box in (removes.nth(i).bounding_box() for i in range(2)):
            assert box["width"] >= 24 and box["height"] >= 24, box
        page.keyboard.press("End")
        covered, toolbar = [], []
        for _ in range(80):
            page.keyboard.press("Shift+Tab")
            place = page.evaluate(FOCUS_PLACE)
            if place["covered"]:
                covered.append(place["name"])
            if place["toolbar"]:
                toolbar.append(place["outline"])
        assert covered == [], f"focused under the header: {covered}"
        assert toolbar and set(toolbar) == {"solid"}, toolbar
    finally:
        context.close()
