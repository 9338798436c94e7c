"""Every registered page in headless Chromium: renders, draws its charts, has no console errors of its own,
passes axe-core with no serious or critical violations, and its CSV downloads start."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import own_console_errors, page_urls, run_axe, wait_for_app

PAGES = page_urls()


@pytest.mark.browser
@pytest.mark.parametrize(("file", "path"), PAGES, ids=[f for f, _ in PAGES])
def test_page_renders_and_is_accessible(page, app_url: str, file: str, path: str, record_property) -> None:
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    assert page.locator('[data-testid="stException"]').count() == 0, "the page raised an exception"
    assert "synthetic sample data" in page.get_by_test_id("stMain").inner_text()
    for chart in page.locator(".js-plotly-plot").all():
        drawn = chart.locator("g.trace, .choroplethlayer path, canvas").count()
        assert drawn > 0, "a chart rendered without any marks"
    assert own_console_errors(page) == []
    result = run_axe(page)
    # printed per page in the terminal summary (tests/conftest.py), also when every test passes
    record_property("axe", json.dumps({
        "page": file, "passes": len(result["passes"]),
        "violations": [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in result["violations"]],
    }))
    serious = [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{file}: serious or critical accessibility violations {serious}"


@pytest.mark.browser
@pytest.mark.parametrize(("file", "path"), PAGES, ids=[f for f, _ in PAGES])
def test_every_download_starts_with_csv(page, app_url: str, file: str, path: str) -> None:
    page.goto(f"{app_url}/{path}")
    wait_for_app(page)
    buttons = page.get_by_test_id("stDownloadButton")
    for i in range(buttons.count()):
        with page.expect_download() as download:
            buttons.nth(i).get_by_role("button").click()
        text = download.value.path().read_text(encoding="utf-8-sig")
        assert download.value.suggested_filename.endswith((".csv", ".notes.md"))  # a CSV, or its notes
        assert text.count("\n") >= 2, f"{download.value.suggested_filename} is empty"
