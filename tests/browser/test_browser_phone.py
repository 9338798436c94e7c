"""Every page on a phone (320 px wide, WCAG's reflow width) and on a small laptop (1024 px, the sidebar open), in
headless Chromium: every choice a filter shows is shown whole (not cut off with an ellipsis), no text
of a chart overlaps other text or runs off the chart (title, legend, axis titles and tick labels, colour bar, notes,
the tile map's labels), the chart toolbar shown on hover never covers a title, the page never scrolls sideways, and
on a phone Tab reaches every filter, download and link of the page, each with a visible focus (in the slow run), past
a closed sidebar's links (these per-page checks run on the shared loads of test_browser_settled.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app
from tests.browser.test_browser_keyboard import FOCUSED, MAIN_TARGETS, TAG_TARGETS, _changed_pixels

WIDTHS = (320, 1024)  # 320: the width WCAG 2.2 asks pages to reflow to (1.4.10); 1024: the narrowest laptop

# The boxes (relative to the page) of every kind of text in one plotly chart, and of its toolbar.
BOXES = r"""chart => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const all = sel => [...chart.querySelectorAll(sel)].filter(e => {
    const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).opacity !== '0'; });
  const text = sel => all(sel).filter(e => e.textContent.trim() !== '');
  return {
    chart: box(chart.querySelector('.main-svg')),
    title: text('.gtitle').map(box), legend: all('g.legend').map(box), xtitle: text('.g-xtitle').map(box),
    ytitle: text('.g-ytitle').map(box), xticks: text('g.xtick text').map(box), yticks: text('g.ytick text').map(box),
    colorbar: all('g.colorbar').map(box), notes: text('g.annotation').map(box),
    turned: all('g.xtick text, g.ytick text').some(e => /rotate\((?!0[,)])/.test(e.getAttribute('transform') || '')),
    labels: text('g.textpoint text').map(box), bartext: text('text.bartext').map(box),
    toolbar: all('.modebar-container .modebar').map(box),
  };
}"""
TEXT = ("title", "legend", "xtitle", "ytitle", "xticks", "yticks", "colorbar", "notes", "labels", "bartext")
# Pairs of kinds that must not overlap (a kind with itself: no two of them overlap).
APART = [("title", other) for other in ("legend", "xtitle", "colorbar", "notes", "xticks", "yticks", "toolbar")] + [
    ("legend", "xtitle"),
    ("legend", "xticks"),
    ("legend", "colorbar"),
    ("legend", "notes"),
    ("colorbar", "xtitle"),
    ("colorbar", "notes"),
    ("yticks", "yticks"),
    ("xticks", "xticks"),
    ("labels", "labels"),
    ("bartext", "bartext"),
]


def _overlap(a: list[float], b: list[float]) -> bool:
    """Boxes share more than a pixel each way (touching edges and anti-aliasing do not count)."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1


def chart_problems(boxes: dict) -> list[str]:
    """What is wrong with one chart's text: a piece off the chart, or two pieces on top of each other."""
    left, top, right, bottom = boxes["chart"]
    found = [
        f"{kind} off the chart: {[round(v) for v in b]} not in {[round(v) for v in boxes['chart']]}"
        for kind in TEXT
        for b in boxes[kind]
        if b[0] < left - 1 or b[2] > right + 1 or b[1] < top - 1 or b[3] > bottom + 1
    ]
    for one, other in APART:
        if one == other and one.endswith("ticks") and boxes["turned"]:
            continue  # plotly turns tick labels that would overlap; a turned label's box overlaps its neighbours'
        pairs = (
            [(a, b) for i, a in enumerate(boxes[one]) for b in boxes[one][i + 1 :]]
            if one == other
            else [(a, b) for a in boxes[one] for b in boxes[other]]
        )
        found += [
            f"{one} over {other}: {[round(v) for v in a]} and {[round(v) for v in b]}"
            for a, b in pairs
            if _overlap(a, b)
        ]
    return found


def _open(browser, url: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.console_messages = []  # type: ignore[attr-defined]
    tab.on("console", lambda m: tab.console_messages.append((m.type, m.text, m.location.get("url", ""))))
    tab.goto(url)
    wait_for_app(tab)
    return context, tab


def _settled_charts(tab):
    """The page's plotly charts once the main area has finished mounting, each with its marks drawn."""
    charts = tab.get_by_test_id("stPlotlyChart")
    count = -1
    while count != charts.count():
        count = charts.count()
        tab.wait_for_timeout(500)
    for i in range(count):
        expect(
            charts.nth(i).locator("g.trace, g.heatmaplayer image, .choroplethlayer path, canvas").first
        ).to_be_attached(timeout=30_000)
    return charts


def check_chart_text_never_overlaps_and_the_page_never_scrolls_sideways(tab, file: str, width: int) -> None:
    """On the settled page at each of WIDTHS (test_browser_settled.py)."""
    charts = _settled_charts(tab)
    problems = []
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        # the toolbar shows on hover; below the app's header, which lies over the top of the scrolled-to chart
        chart.locator(".js-plotly-plot").hover(position={"x": 5, "y": 120})
        expect(chart.locator(".modebar-container .modebar")).to_be_visible()
        tab.wait_for_timeout(300)  # it fades in
        plot = chart.locator(".js-plotly-plot")
        problems += [f"chart {i + 1}: {p}" for p in chart_problems(plot.evaluate(BOXES))]
    tab.mouse.move(0, 0)  # off the charts again: a later check sees no hover toolbar or tooltip
    assert problems == [], f"{file} at {width} px: {problems}"
    wide = tab.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert wide <= 0, f"{file} at {width} px scrolls sideways by {wide} px"


def check_every_filter_shows_its_choice_whole(tab, file: str, width: int) -> None:
    """A drop-down filter's chosen value fits its box: a period cut off ("Latest 12 months (Apr 2025 to Ma...")
    does not say which months the page shows."""
    cut = tab.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stSelectbox"] input')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => `${box.getAttribute('aria-label')}: '${box.value}' needs ${box.scrollWidth} px, has ` +
                 `${box.clientWidth}`)"""
    )
    assert cut == [], f"{file} at {width} px cuts off a filter's choice: {cut}"


@pytest.mark.browser
def test_the_tile_map_labels_are_apart_and_inside_their_squares_on_a_phone(browser, app_url: str) -> None:
    """The issue measured 'HRWBRNHGYWFF' at 375 px: now each of the 33 labels sits apart, inside the map, and the
    colour bar lies under the map, not beside it."""
    context, tab = _open(browser, f"{app_url}/map?measure=tech_spend_per_resident_gbp", min(WIDTHS))
    try:
        chart = _settled_charts(tab).first.locator(".js-plotly-plot")
        boxes = chart.evaluate(BOXES)
        assert len(boxes["labels"]) == 33
        assert chart_problems(boxes) == []
        heatmap = chart.locator("g.heatmaplayer image").first.bounding_box()
        bar = chart.locator("g.colorbar").bounding_box()
        assert bar["y"] >= heatmap["y"] + heatmap["height"] - 1, "the colour bar is under the map"
        assert bar["height"] < 120 and heatmap["width"] > 0.8 * boxes["chart"][2], "the map takes the width"
    finally:
        context.close()


PHONE_TARGETS = MAIN_TARGETS + ', [data-testid="stMain"] [data-testid="stPageLink"] a'


def check_on_a_phone_tab_reaches_every_filter_download_and_link(tab, file: str, *, focus_ring: bool) -> None:
    """On the settled page at 320 px (test_browser_settled.py); with `focus_ring` (the slow run), each target's
    focus must also show."""
    tab.wait_for_function("sel => document.querySelectorAll(sel).length > 0", arg=PHONE_TARGETS, timeout=30_000)
    _settled_charts(tab)
    labels = tab.evaluate(TAG_TARGETS, PHONE_TARGETS)
    order, faint, opener, hidden_nav = [], [], False, 0
    for _ in range(600):  # once round the page: until the focus wraps back to the top
        tab.keyboard.press("Tab")
        focus = tab.evaluate(FOCUSED)
        opener = opener or focus["where"] == "stExpandSidebarButton"
        hidden_nav += focus["where"] == "stSidebarNavLink"
        if (focus["body"] or focus["skip"]) and order:
            break
        if focus["target"] is None or int(focus["target"]) in order:
            continue
        order.append(int(focus["target"]))
        if focus_ring:
            element = tab.locator(f'[data-kb-target="{focus["target"]}"]').element_handle()
            if (changed := _changed_pixels(tab, element)) < 100:
                faint.append((labels[int(focus["target"])], changed))
    assert opener, f"{file}: Tab never reaches the button that opens the sidebar"
    assert hidden_nav == 0, f"{file}: Tab visits the closed sidebar's page links, which are off screen"
    missed = [labels[i] for i in range(len(labels)) if i not in order]
    assert missed == [], f"{file}: on a phone Tab never reaches {missed}"
    assert faint == [], f"{file}: no visible focus indicator on (label, changed pixels) {faint}"
