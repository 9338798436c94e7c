"""The Borough map in headless Chromium: the tile map draws its squares (SVG), a click opens the borough profile,
and with official boundaries configured the geographic map draws (a MapLibre canvas) with its colour bar, even
when a shared link is the first page a freshly started server serves."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from loti_demand.navigation import registered_pages
from tests.browser.conftest import own_console_errors, wait_for_app


@pytest.mark.browser
def test_tile_map_draws_33_labelled_squares_and_a_click_opens_the_profile(page, app_url: str) -> None:
    page.goto(f"{app_url}/map?measure=tech_spend_per_resident_gbp")
    wait_for_app(page)
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator("g.heatmaplayer image").first).to_be_attached(timeout=30_000)  # the coloured squares
    labels = chart.locator("g.scatterlayer g.textpoint text")
    expect(labels).to_have_count(33, timeout=30_000)
    assert "CMD" in labels.all_text_contents() and "CTY" in labels.all_text_contents()
    expect(chart.locator("g.colorbar")).to_have_count(1)
    assert "Tech spend per resident" in chart.locator("g.colorbar").text_content()
    assert own_console_errors(page) == []
    camden = chart.locator("g.scatterlayer g.textpoint text", has_text="CMD")
    camden.scroll_into_view_if_needed()  # the filters above the map can put it below the first screen
    box = camden.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_role("heading", name="Camden: tech spend")).to_be_visible(timeout=30_000)
    assert "borough=E09000007" in page.url


@pytest.mark.browser
def test_geographic_map_draws_from_official_boundaries(page, boundaries_app_url: str) -> None:
    # The first request to this fresh server is a deep link: it must still get the dashboard's navigation.
    page.goto(f"{boundaries_app_url}/map?view=geographic&measure=open_challenges")
    wait_for_app(page)
    nav = page.get_by_test_id("stSidebarNav").inner_text()
    assert "Spend and suppliers" in nav  # page titles from dashboard.py, not file names from pages/
    expect(page.get_by_test_id("stSidebarNavLink")).to_have_count(len(registered_pages()))  # every page in dashboard.py
    chart = page.locator(".js-plotly-plot").first
    canvas = chart.locator("canvas").first
    expect(canvas).to_be_attached(timeout=30_000)  # MapLibre draws the polygons on a WebGL canvas
    colours = 0
    for _ in range(30):  # the polygons fill the blank white background with the colour scale
        image = Image.open(io.BytesIO(canvas.screenshot())).convert("RGB")
        colours = len(image.getcolors(maxcolors=1 << 24))
        if colours > 20:
            break
        page.wait_for_timeout(500)
    assert colours > 20, "the map canvas is blank: no borough polygons were drawn"
    expect(chart.locator("g.colorbar")).to_have_count(1)
    assert "Open challenges" in chart.locator("g.colorbar").text_content()
    main = page.get_by_test_id("stMain").inner_text()
    assert "Contains National Statistics and OS data" in main
    assert own_console_errors(page) == []
