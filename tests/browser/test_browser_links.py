"""A copied URL restores the view, in a real browser: every page that keeps its filters in the URL opens from a
link with the filters set (values taken from the sample warehouse) and its widgets show them; after a filter is
changed on the page, the address bar's URL opened in a fresh browser context shows the same widget values."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from loti_demand import periods, queries
from loti_demand.metrics import VALUE_BAND_LABELS, label
from tests.browser.conftest import page_urls, wait_for_app

# Every widget in the main area with its label and what it shows (multiselects: the chosen tags).
SNAPSHOT = """() => [...document.querySelectorAll('[data-testid="stMain"] :is([data-testid="stSelectbox"], '
  + '[data-testid="stMultiSelect"], [data-testid="stNumberInput"], [data-testid="stTextInput"])')]
  .map(w => [w.querySelector('label').innerText.trim(),
             w.dataset.testid === 'stMultiSelect'
               ? [...w.querySelectorAll('[data-tag]')].map(t => t.getAttribute('aria-label')).join(' | ')
               : w.querySelector('input').value])"""


def _link_specs(con) -> dict[str, dict]:
    """Per page: link parameters (valid, non-default values from the sample warehouse), what the widgets must show,
    and the selectbox to change on the page."""
    boroughs = dict(
        zip(queries.borough_list(con)["borough_name"], queries.borough_list(con)["borough_code"], strict=True)
    )
    categories = dict(
        zip(
            queries.tech_categories(con)["tech_category"],
            queries.tech_categories(con)["tech_category_label"],
            strict=True,
        )
    )
    every = queries.challenge_filter_options(con)
    theme, status = (every[every["kind"] == kind].iloc[0]["value"] for kind in ("theme", "status"))
    # each choice is counted as the list shows it with the link's other filters (the sample's today: its as-of date)
    facets = queries.challenge_filter_options(con, q="data", theme=theme, status=status, today=queries.as_of(con))
    theme = facets[(facets["kind"] == "theme") & (facets["value"] == theme)].iloc[0]
    status = facets[(facets["kind"] == "status") & (facets["value"] == status)].iloc[0]
    next12 = next(p.label for p in periods.forward_periods(queries.as_of(con)) if p.key == "next12")
    return {
        "": {
            "params": {"growth": "challenges"},
            "shows": {"Rank tech categories by": "Challenges opened"},
            "change": "Rank tech categories by",
        },
        "map": {
            "params": {"measure": "contracts_expiring", "period": "next12", "category": "cloud_hosting"},
            "shows": {
                "Measure": label("contracts_expiring"),
                "Period": next12,
                "Tech category": categories["cloud_hosting"],
            },
            "change": "Tech category",
        },
        "spend": {
            "params": {
                "boroughs": f"{boroughs['Camden']},{boroughs['Barnet']}",
                "category": "software",
                "period": "fy2024",
                "top": "15",
            },
            "shows": {
                "Boroughs or London-wide bodies": "Camden | Barnet",
                "Tech category": categories["software"],
                "Period": "2024-25 financial year",
                "Suppliers to show": "15",
            },
            "change": "Period",
        },
        "borough": {
            "params": {"borough": boroughs["Camden"]},
            "shows": {"Borough or London-wide body": "Camden"},
            "change": "Borough or London-wide body",
        },
        "supplier": {
            "params": {"supplier": "thamesgate it services", "period": "fy2024"},
            "shows": {"Supplier": "Thamesgate IT Services Ltd", "Period": "2024-25 financial year"},
            "change": "Period",
        },
        "calendar": {
            "params": {
                "category": "software,cloud_hosting",
                "value": "under_100k",
                "evidence": "inferred",
                "months": "24",
            },
            "shows": {
                "Tech category": f"{categories['software']} | {categories['cloud_hosting']}",
                "Value band": VALUE_BAND_LABELS["under_100k"],
                "Evidence": "Inferred from contract ends only",
                "Months ahead": "24",
            },
            "change": "Suitable for small businesses (SMEs)",
        },
        "collaboration": {
            "params": {"category": "devices", "includes": boroughs["Barnet"], "within": "3", "months": "24"},
            "shows": {
                "Tech category": categories["devices"],
                "Show groups that include": "Barnet",
                "Within how many months": "3",
                "Months ahead": "24",
            },
            "change": "Show groups that include",
        },
        "challenges": {
            "params": {"q": "data", "theme": theme["value"], "status": status["value"]},
            "shows": {
                "Search titles and statements": "data",
                "Theme": f"{theme['label']} ({int(theme['n']):,})",
                "Status": f"{status['label']} ({int(status['n']):,})",
            },
            "change": "Closing within",
        },
        "coverage": {
            "params": {"months_back": "24", "source": "procurement"},
            "shows": {"Period: months up to the data-as-of date": "24", "Source": "Procurement notices"},
            "change": "Source",
        },
        "exports": {
            "params": {
                "area": "london",
                "categories": "all",
                "period": "financial_year",
                "from": "2024-04",
                "to": "2025-03",
            },
            "shows": {
                "Area": "London-wide total",
                "Tech category": "All tech categories together",
                "Period": "By financial year",
                "From month": "2024-04",
                "To month": "2025-03",
            },
            "change": "Period",
        },
    }


# The plain run restores a link in the browser on the pages between them using every kind of widget (the Overview at
# '/', selectboxes, multiselects, number and text inputs); the slow run (CI) on every page. Each page's own link
# handling is checked on every page by its AppTest tests in the plain run.
PLAIN = {"", "spend", "calendar", "challenges"}
LINKED = [
    pytest.param(file, path, id=file, marks=() if path in PLAIN else pytest.mark.slow) for file, path in page_urls()
]


def _snapshot(page) -> dict[str, str]:
    return dict(page.evaluate(SNAPSHOT))


def _open_list(page, select) -> None:
    """Open a selectbox's list. A click can land while a late rerun redraws the page (the list opens, is announced,
    and closes again), so try a few times before failing."""
    listbox = page.get_by_role("listbox")
    for _ in range(5):
        select.click()
        try:
            listbox.wait_for(state="visible", timeout=2_000)
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
    expect(listbox).to_be_visible()


def _choose_another(page, select) -> str:
    """Choose an option other than the selectbox's current one, and return its text. A late rerun can also close
    the list between its opening and the click (the click then waits for an option that is gone), so the whole
    choice is tried a few times."""
    current = select.input_value()
    for _ in range(5):
        _open_list(page, select)
        option = page.get_by_role("option").filter(has_not_text=re.compile(f"^{re.escape(current)}$")).first
        try:
            choice = option.inner_text(timeout=2_000).strip()
            option.click(timeout=3_000)
            return choice
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
    raise AssertionError(f"no other option than {current!r} could be chosen")


def _params(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


@pytest.mark.browser
@pytest.mark.parametrize(("file", "path"), LINKED)
def test_a_copied_url_restores_the_view(page, browser, app_url: str, sample_con, file: str, path: str) -> None:
    specs = _link_specs(sample_con)
    assert set(specs) == {p for _, p in page_urls()}, "every page with filters needs a link spec here"
    spec = specs[path]
    page.goto(f"{app_url}/{path}?{urllib.parse.urlencode(spec['params'])}")
    wait_for_app(page)
    shown = {}
    for _ in range(120):  # the rerun that applies the link's values can land after the first notRunning
        shown = _snapshot(page)
        if all(shown.get(name) == value for name, value in spec["shows"].items()):
            break
        page.wait_for_timeout(250)
    assert {name: shown.get(name) for name in spec["shows"]} == spec["shows"], "the widgets do not show the link"
    assert "were not recognised" not in page.get_by_test_id("stMain").inner_text()
    assert _params(page.url) == spec["params"], "the page rewrote the link's values"
    before = _snapshot(page)

    # Change one filter on the page, then open the address bar's URL in a fresh context (no shared session).
    link_search = urllib.parse.urlsplit(page.url).query
    select = page.get_by_label(spec["change"], exact=True)
    choice = _choose_another(page, select)
    expect(select).to_have_value(choice, timeout=30_000)
    page.wait_for_function(
        "search => location.search.replace(/^[?]/, '') !== search", arg=link_search, timeout=30_000
    )  # the URL follows the change
    wait_for_app(page)
    after = _snapshot(page)
    for _ in range(40):  # widgets further down the page can draw after the rerun reads as finished
        page.wait_for_timeout(500)
        if (again := _snapshot(page)) == after:
            break
        after = again
    assert after != before and after[spec["change"]] == choice
    copied = page.url
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        fresh = context.new_page()
        fresh.goto(copied)
        wait_for_app(fresh)
        expect(fresh.get_by_label(spec["change"], exact=True)).to_have_value(choice, timeout=30_000)
        restored = {}
        for _ in range(120):  # widgets further down the page can draw after the first one shows its value
            restored = _snapshot(fresh)
            if restored == after:
                break
            fresh.wait_for_timeout(250)
        assert restored == after, f"{copied} did not restore the view"
    finally:
        context.close()


@pytest.mark.browser
def test_back_and_forward_return_to_the_filters_of_that_address(page, app_url: str) -> None:
    """The supplier's review: after two searches, Back left the address and the list on the second (the widgets'
    last values were written back over the address). Each step back now shows what its address says."""
    page.goto(f"{app_url}/challenges")
    wait_for_app(page)
    search = page.get_by_test_id("stTextInputField").and_(page.get_by_label("Search titles and statements", exact=True))
    for words in ("parking", "data platform"):
        search.fill(words)
        search.press("Enter")
        page.wait_for_function("q => new URLSearchParams(location.search).get('q') === q", arg=words)
        wait_for_app(page)
    for step, words in ((page.go_back, "parking"), (page.go_back, ""), (page.go_forward, "parking")):
        step()
        expect(search).to_have_value(words, timeout=30_000)
        wait_for_app(page)
        page.wait_for_timeout(1_000)  # a run writing the widget's old value back would change the address now
        assert _params(page.url).get("q", "") == words
        expect(search).to_have_value(words)


@pytest.mark.browser
def test_a_supplier_link_opens_the_profile_on_the_pages_period(page, app_url: str, sample_con) -> None:
    """The supplier's review: a supplier link on Spend and suppliers named the chosen period, but the profile showed
    the latest 12 months (the Spend page's period box had left its value in the session, which the profile's own
    box then ignored) and dropped the period from its address."""
    dates = queries.data_dates(sample_con).iloc[0]
    offered = periods.spend_periods(dates["first_spend_month"], dates["last_spend_month"], queries.as_of(sample_con))
    chosen = offered[-1]  # the earliest, never the default
    page.goto(f"{app_url}/spend?period={chosen.key}")
    wait_for_app(page)
    link = page.locator('[data-testid="stMain"] a[href*="supplier?supplier="]').first
    assert _params(link.get_attribute("href"))["period"] == chosen.key
    link.click()
    page.wait_for_url(re.compile(r"/supplier\?"))
    wait_for_app(page)
    expect(page.get_by_label("Period", exact=True)).to_have_value(chosen.label, timeout=30_000)
    assert _params(page.url)["period"] == chosen.key
