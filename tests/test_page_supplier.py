"""Supplier profile page (AppTest): ?supplier=<id> opens one supplier, and each section matches an independent
computation over the marts (spend lines for the payments and market shares, procurements for the contracts and
notices); a supplier named only in awards has a profile too; redacted payees never have one."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loti_demand import metrics, queries
from loti_demand.normalise.suppliers import is_redacted
from loti_demand.queries import QUERIES_DIR
from tests.conftest import open_page

PAGE = "pages/supplier.py"
SUPPLIER = "thamesgate it services"  # paid by many boroughs, holds ten contracts in the sample
SUPPLIER_QUERIES = [
    "supplier_list",
    "supplier_detail",
    "supplier_spend_by_buyer",
    "supplier_spend_by_month",
    "supplier_category_share",
    "supplier_contracts",
    "supplier_notices_won",
]
SMALL_TABLES = {
    "agg_spend_by_supplier",
    "agg_supplier_totals",
    "agg_supplier_shares_by_period",
    "page_periods",
    "top_suppliers_in",  # measures.sql's table macro over agg_spend_by_supplier
    "procurement_suppliers",
    "suppliers",
    "supplier_aliases",
    "publishers",
    "ref_tech_categories",
    "demand_items",
    "contract_replacements",
    "procurements",
    "boroughs",
}


def _frames(at: AppTest) -> dict[str, pd.DataFrame]:
    """The page's tables, told apart by a column only each has."""
    marks = {
        "buyers": "months_paid",
        "trend": "period_start",
        "shares": "rank",
        "contracts": "reprocurement_date",
        "won": "last_notice_date",
    }
    return {name: next(d.value for d in at.dataframe if column in d.value.columns) for name, column in marks.items()}


def _text(at: AppTest) -> str:
    """The page's words as a reader sees them (publisher text is escaped for markdown: drop the escapes)."""
    return re.sub(r"\\(.)", r"\1", " ".join(e.value for e in (*at.markdown, *at.caption, *at.header)))


def _last12(con) -> tuple[dt.date, dt.date]:
    period = queries.spend_periods(con)[0]
    return period.start, period.end


def _lines(con, supplier: str) -> pd.DataFrame:
    start, end = _last12(con)
    lines = con.execute("select * from spend where tech_category is not null and not is_redacted").df()
    return lines[(lines["payment_month"].dt.date >= start) & (lines["payment_month"].dt.date <= end)]


def test_page_queries_read_only_marts_and_aggregates() -> None:
    """Performance rule (as the Spend page's): the profile never reads `spend` line by line."""
    for name in SUPPLIER_QUERIES:
        text = re.sub(r"--[^\n]*|'[^']*'", "", (QUERIES_DIR / f"{name}.sql").read_text()).lower()
        ctes = set(re.findall(r"\b([a-z_][a-z0-9_]*)\s+as\s+\(", text))
        read = set(re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", text)) - ctes
        assert read <= SMALL_TABLES, f"{name} reads {read - SMALL_TABLES}"


def _shares_from_monthly_rows(con, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Every supplier's share of each category's market in start..end, worked out here from the monthly rows."""
    rows = con.execute(
        "select tech_category, supplier_id, amount_gbp, lines from agg_spend_by_supplier "
        "where payment_month between $start and $end",
        {"start": start, "end": end},
    ).df()
    by = rows.groupby(["tech_category", "supplier_id"], dropna=False, as_index=False)[["amount_gbp", "lines"]].sum()
    by = by.sort_values(["tech_category", "amount_gbp", "supplier_id"], ascending=[True, False, True])
    by["rank"] = by.groupby("tech_category").cumcount() + 1
    by["suppliers"] = by.groupby("tech_category")["supplier_id"].transform("size")
    by["named"] = by["amount_gbp"].where(by["amount_gbp"] > 0).groupby(by["tech_category"]).transform("sum")
    return by


@pytest.mark.parametrize("offered", [True, False])
def test_market_shares_are_what_the_monthly_rows_give(sample_con, offered: bool) -> None:
    """Over a period the pages offer (read from agg_supplier_shares_by_period) and over one they do not (worked
    out): every supplier's spend, lines, rank (ties by supplier_id), share of the named-supplier base and the
    category's size are what the monthly rows give."""
    period = queries.spend_periods(sample_con)[0]
    start = period.start if offered else (period.start + dt.timedelta(days=31)).replace(day=1)  # a month later
    stored = sample_con.execute(
        "select count(*) from agg_supplier_shares_by_period where period_start = $start and period_end = $end",
        {"start": start, "end": period.end},
    ).fetchone()[0]
    assert (stored > 0) == offered
    expected = _shares_from_monthly_rows(sample_con, start, period.end)
    checked = 0
    for supplier, rows in expected[expected["supplier_id"].notna()].groupby("supplier_id"):
        got = queries.supplier_category_share(sample_con, supplier=supplier, start=start, end=period.end)
        got = got.set_index("tech_category").sort_index()
        mine = rows.set_index("tech_category").sort_index()
        assert list(got.index) == list(mine.index), supplier
        assert list(got["rank"]) == list(mine["rank"]) and list(got["suppliers"]) == list(mine["suppliers"])
        assert list(got["lines"]) == list(mine["lines"])
        assert [round(float(v), 2) for v in got["tech_spend_gbp"]] == [round(v, 2) for v in mine["amount_gbp"]]
        assert [round(float(v), 2) for v in got["named_spend_gbp"]] == [round(v, 2) for v in mine["named"]]
        checked += 1
    assert checked > 50


def test_payments_by_buyer_and_month_match_the_spend_lines(sample_warehouse: Path, sample_con, monkeypatch) -> None:
    at = open_page(sample_warehouse, monkeypatch, PAGE, supplier=SUPPLIER)
    assert at.selectbox(key="supplier").value == SUPPLIER
    name = sample_con.execute(
        "select canonical_name from suppliers where supplier_id = $s", {"s": SUPPLIER}
    ).fetchall()[0][0]
    assert at.header[0].value.startswith(f"{name}: tech payments")
    lines = _lines(sample_con, SUPPLIER)
    mine = lines[lines["supplier_id"] == SUPPLIER]
    by_buyer = mine.groupby("publisher_code")["amount_gbp"].sum().astype(float).sort_values(ascending=False)
    buyers = _frames(at)["buyers"]
    assert buyers["tech_spend_gbp"].astype(float).tolist() == pytest.approx(by_buyer.tolist())
    assert int(buyers["lines"].sum()) == len(mine)
    bodies = sample_con.execute(
        "select count(distinct publisher_code) from spend where supplier_id = $s and "
        "borough_code is null and tech_category is not null",
        {"s": SUPPLIER},
    ).fetchall()[0][0]
    assert bodies, "the sample's supplier is paid by a London-wide body too"
    total = metrics.MEASURES["tech_spend_gbp"].format(float(mine["amount_gbp"].sum()))
    assert f"Paid {total} for technology by {len(by_buyer) - bodies} boroughs and {bodies} London-wide bodies" in _text(
        at
    )
    trend = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    monthly = mine.groupby("payment_month")["amount_gbp"].sum().astype(float)
    assert len(trend) == mine["tech_category"].nunique()
    assert sum(float(sum(_values(t["y"]))) for t in trend) == pytest.approx(monthly.sum())
    table = _frames(at)["trend"]  # the chart's data, by month and category
    by_month = table.groupby("period_start")["tech_spend_gbp"].sum().astype(float)
    assert by_month.tolist() == pytest.approx(monthly.tolist()) and int(table["lines"].sum()) == len(mine)


def test_a_link_with_a_period_opens_those_months(sample_warehouse: Path, sample_con, monkeypatch) -> None:
    """?period= (as the other pages' supplier links carry it) sets the months of every payment figure."""
    at = open_page(sample_warehouse, monkeypatch, PAGE, supplier=SUPPLIER, period="fy2024")
    assert at.selectbox(key="period").value == "fy2024" and not at.warning
    assert at.header[0].value.endswith("tech payments, 2024-25 financial year")
    paid = sample_con.execute(
        "select sum(amount_gbp) from spend where supplier_id = $s and tech_category is not null "
        "and payment_month between '2024-04-01' and '2025-03-31'",
        {"s": SUPPLIER},
    ).fetchall()[0][0]
    assert float(_frames(at)["buyers"]["tech_spend_gbp"].astype(float).sum()) == pytest.approx(float(paid))


def _values(array) -> list[float]:
    import base64

    import numpy as np

    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def test_market_shares_are_the_spend_pages_shares(sample_warehouse: Path, sample_con, monkeypatch) -> None:
    """Its share and rank in each category are what Top suppliers shows with that category chosen, and what the
    spend lines give (suppliers with net credits have no share and are left out of the base)."""
    at = open_page(sample_warehouse, monkeypatch, PAGE, supplier=SUPPLIER)
    shares = _frames(at)["shares"].set_index("tech_category_label")
    assert len(shares)
    start, end = _last12(sample_con)
    lines = _lines(sample_con, SUPPLIER)
    labels = dict(sample_con.execute("select tech_category, label from ref_tech_categories").fetchall())
    for category, group in lines.groupby("tech_category"):
        totals = group.groupby("supplier_id", dropna=False)["amount_gbp"].sum().astype(float)
        if SUPPLIER not in totals.index:
            assert labels[category] not in shares.index
            continue
        row = shares.loc[labels[category]]
        assert row["share_pct"] == pytest.approx(100 * totals[SUPPLIER] / totals[totals > 0].sum())
        assert row["suppliers"] == len(totals)
        top = queries.top_suppliers(sample_con, start=start, end=end, category=category, limit=50).set_index(
            "supplier_id"
        )
        assert (row["rank"], row["share_pct"]) == (
            top.loc[SUPPLIER, "rank"],
            pytest.approx(top.loc[SUPPLIER, "share_pct"]),
        )


def test_contracts_held_and_notices_won(sample_warehouse: Path, sample_con, monkeypatch) -> None:
    at = open_page(sample_warehouse, monkeypatch, PAGE, supplier=SUPPLIER)
    frames = _frames(at)
    awards = sample_con.execute(
        "select ocid, title, supplier_names, contract_end, status from procurements where is_london and "
        "supplier_names is not null"
    ).df()
    name = sample_con.execute(
        "select canonical_name from suppliers where supplier_id = $s", {"s": SUPPLIER}
    ).fetchall()[0][0]
    spellings = {
        n.lower()
        for (n,) in sample_con.execute(
            "select supplier_name from supplier_aliases where supplier_id = $s", {"s": SUPPLIER}
        ).fetchall()
    }
    won = awards[awards["supplier_names"].map(lambda s: any(n.lower() in spellings for n in s.split("; ")))]
    assert sorted(frames["won"]["title"]) == sorted(won["title"])
    as_of = queries.as_of(sample_con)
    items = sample_con.execute("select ocid, confidence, expected_date from demand_items").df().set_index("ocid")
    held = won[won["ocid"].isin(items.index[items["confidence"] == metrics.INFERRED])]
    held = held[held["contract_end"].isna() | (held["contract_end"].dt.date >= as_of.replace(day=1))]
    contracts = frames["contracts"]
    assert sorted(contracts["title"]) == sorted(held["title"]) and len(contracts) > 1
    assert contracts["contract_end"].tolist() == sorted(contracts["contract_end"].tolist())
    replaced = sample_con.execute(
        "select replaces_ocid, d.title from contract_replacements as r join demand_items "
        "as d using (ocid) where replaces_ocid in (select unnest($o))",
        {"o": held["ocid"].tolist()},
    ).fetchall()
    # none of the sample's notices replaces one of its contracts: tests/test_replacements.py shows the column filled
    assert set(contracts["replacement_title"].dropna()) == {title for _, title in replaced}
    assert f"London contracts awarded to {name}" in _text(at)


def test_a_contract_is_not_expected_back_on_the_market_before_it_starts(sample_warehouse: Path, monkeypatch) -> None:
    """Brightline's Wandsworth library system runs from 19 April 2025 to 10 March 2026: its re-procurement is
    expected from its start, not 12 months before its end (10 March 2025, as a review found)."""
    at = open_page(sample_warehouse, monkeypatch, PAGE, supplier="brightline software")
    contracts = _frames(at)["contracts"].set_index(["area_name", "title"])
    library = contracts.loc[("Wandsworth", "Library management system")]
    assert pd.Timestamp(library["reprocurement_date"]) == pd.Timestamp("2025-04-19")
    assert pd.Timestamp(library["contract_end"]) == pd.Timestamp("2026-03-10")


def test_downloads_name_the_supplier_and_equal_the_tables(sample_warehouse: Path, monkeypatch, downloads) -> None:
    at = open_page(sample_warehouse, monkeypatch, PAGE, supplier=SUPPLIER)
    frames = _frames(at)
    # each file names the supplier (its id: the tables have no supplier column), the months and the data-as-of date
    mine, months = "thamesgate-it-services", "2025-04_to_2026-03_as_of_2026-03-31"
    assert {
        f"supplier_payments_by_month_{mine}_{months}.csv",
        f"supplier_market_shares_{mine}_{months}.csv",
        f"supplier_notices_won_{mine}_as_of_2026-03-31.csv",
    } <= set(downloads)
    buyers = pd.read_csv(io.BytesIO(downloads[f"supplier_payments_by_buyer_{mine}_{months}.csv"]), encoding="utf-8-sig")
    assert list(buyers.columns) == ["Borough or body", "Tech spend (£)", "Payment lines", "Months paid"]
    assert buyers["Tech spend (£)"].tolist() == pytest.approx(frames["buyers"]["tech_spend_gbp"].astype(float).tolist())
    contracts = pd.read_csv(
        io.BytesIO(downloads[f"supplier_contracts_held_{mine}_as_of_2026-03-31.csv"]), encoding="utf-8-sig"
    )
    assert contracts.columns[:2].tolist() == ["Contract end", "Re-procurement expected"]
    assert contracts["Title"].tolist() == frames["contracts"]["title"].tolist()
    assert "Thamesgate IT Services Ltd" in set(contracts["Suppliers"])


def test_the_page_opens_on_the_largest_supplier_and_ignores_an_unknown_one(
    sample_warehouse: Path, sample_con, monkeypatch
) -> None:
    largest = queries.supplier_list(sample_con).sort_values("tech_spend_gbp").iloc[-1]["supplier_id"]
    at = open_page(sample_warehouse, monkeypatch, PAGE, supplier="no such supplier")
    assert "not recognised" in at.warning[0].value and "no such supplier" in at.warning[0].value
    assert at.selectbox(key="supplier").value == largest
    at.selectbox(key="supplier").set_value(SUPPLIER).run()
    assert at.query_params["supplier"] == SUPPLIER


def test_find_a_supplier_also_finds_a_name_as_published(sample_warehouse: Path, sample_con, monkeypatch) -> None:
    """A name as published, not as shown, finds its supplier: the supplier's key holds the text's (a review on real
    files found "Civica UK Limited" finding nothing beside CIVICA UK LTD)."""
    listed = queries.supplier_list(sample_con)
    shown_as = listed[listed["supplier_name"].str.endswith(" Ltd")].iloc[0]
    at = open_page(sample_warehouse, monkeypatch, PAGE)
    at.text_input(key="find").set_value(shown_as["supplier_name"].upper().removesuffix(" LTD") + " LIMITED").run()
    assert at.selectbox(key="supplier").value == shown_as["supplier_id"]


def test_the_list_offers_the_largest_suppliers_a_search_narrows_it_and_a_link_opens_any(
    sample_warehouse: Path, sample_con, monkeypatch
) -> None:
    """With more suppliers than the list offers at once, it offers those paid most for technology (in name order);
    Find a supplier narrows it to the names holding the text; a link to any supplier opens its profile."""
    from loti_demand.ui import data as ui_data

    monkeypatch.setattr(ui_data, "SUPPLIER_CHOICES", 5)
    listed = queries.supplier_list(sample_con).astype({"tech_spend_gbp": float})
    assert listed["supplier_name"].tolist() == sorted(listed["supplier_name"], key=str.lower), "in name order"
    largest = set(listed.nlargest(5, "tech_spend_gbp")["supplier_id"])
    at = open_page(sample_warehouse, monkeypatch, PAGE)
    box = at.selectbox(key="supplier")
    assert set(box.options) == {listed.set_index("supplier_id")["supplier_name"][i] for i in largest}
    assert box.options == sorted(box.options, key=str.lower), "in name order"
    assert f"The list offers the 5 suppliers paid most for technology, of {len(listed):,}" in _text(at)

    before = at.selectbox(key="supplier").value
    at.text_input(key="find").set_value("SYSTEMS").run()
    holding = listed[listed["supplier_name"].str.contains("systems", case=False)]
    assert 1 < len(holding) <= 5, "the sample has a few suppliers named ... Systems"
    box = at.selectbox(key="supplier")
    assert set(box.options) == set(holding["supplier_name"]), "the matches only"
    first = holding.sort_values("supplier_name", key=lambda n: n.str.lower())["supplier_id"].iloc[0]
    shown = before if before in set(holding["supplier_id"]) else first  # the supplier shown, if it matches
    assert box.value == shown and at.query_params["supplier"] == shown, "the search shows a match"
    at.text_input(key="find").set_value("quillfield").run()
    quillfield = listed[listed["supplier_name"].str.contains("quillfield", case=False)]["supplier_id"].tolist()
    assert len(quillfield) == 1 and at.selectbox(key="supplier").value == quillfield[0], "its one match"
    at.text_input(key="find").set_value("SYSTEMS").run()
    assert at.selectbox(key="supplier").value == first, "back to the first match"
    assert f'{len(holding)} suppliers\' names hold "SYSTEMS": choose one in the Supplier list.' in _text(at)
    at.selectbox(key="supplier").set_value(holding["supplier_id"].iloc[-1]).run()
    assert at.query_params["supplier"] == holding["supplier_id"].iloc[-1]
    assert at.query_params["find"] == "SYSTEMS", "the search is in the link too"
    at.run()
    assert at.selectbox(key="supplier").value == holding["supplier_id"].iloc[-1], "a rerun keeps the choice"

    at.text_input(key="find").set_value("no such name").run()
    assert at.selectbox(key="supplier").options == [holding["supplier_name"].iloc[-1]], "nothing found: kept"
    assert 'No supplier\'s name holds "no such name"' in _text(at)
    kept = at.selectbox(key="supplier").value
    at.text_input(key="find").set_value("").run()
    assert at.selectbox(key="supplier").value == kept, "a search cleared keeps the supplier shown"

    # after a search, a link from another page to a supplier the search did not find opens that supplier
    other = listed[~listed["supplier_id"].isin(holding["supplier_id"])]["supplier_id"].iloc[0]
    at.text_input(key="find").set_value("SYSTEMS").run()
    at.switch_page("pages/borough.py").run()
    at.query_params["supplier"] = other
    at.switch_page(PAGE).run()
    assert at.selectbox(key="supplier").value == other and at.query_params["supplier"] == other

    smallest = listed.nsmallest(1, "tech_spend_gbp")["supplier_id"].iloc[0]
    assert smallest not in largest
    at = open_page(sample_warehouse, monkeypatch, PAGE, supplier=smallest)
    assert not at.warning, "a supplier the list does not offer is still a supplier"
    assert at.selectbox(key="supplier").value == smallest
    assert at.selectbox(key="supplier").options[0] == listed.set_index("supplier_id")["supplier_name"][smallest]


def test_redacted_payees_have_no_profile(sample_con) -> None:
    """A redacted payment has no supplier, so it is in no profile and no table links it; no listed name is one."""
    listed = queries.supplier_list(sample_con)
    assert len(listed) > 50
    assert not [n for n in listed["supplier_name"] if is_redacted(n)]
    counts = sample_con.execute("select count(*), count(supplier_id) from spend where is_redacted").fetchall()[0]
    assert counts[0] > 0 and counts[1] == 0, "the sample has redacted payments, none with a supplier"


def test_a_supplier_named_only_in_awards_has_a_profile(demand_warehouse: Path, monkeypatch) -> None:
    """The demand fixture's awards name a supplier no spend file pays: its profile shows its contracts and notices."""
    at = open_page(demand_warehouse, monkeypatch, PAGE, supplier="fixture supplier")
    assert not at.warning
    assert "Named in award notices only" in _text(at)
    frames = {d.value.columns[0]: d.value for d in at.dataframe}
    assert len(frames["last_notice_date"]) == 7  # dd-i1 to dd-i7
    # held: those not ended by the data-as-of month (31 December 2025) or with no end date, soonest ending first
    assert frames["contract_end"]["title"].iloc[-1] == "Award without an end date"
    assert "Ended licence" not in set(frames["contract_end"]["title"])


@pytest.mark.parametrize("page", ["pages/spend.py", "pages/borough.py", "pages/calendar.py"])
def test_supplier_names_elsewhere_link_to_their_profile(
    sample_warehouse: Path, sample_con, monkeypatch, page: str
) -> None:
    """Every supplier column of these pages' tables links to the profile of the supplier it names."""
    listed = set(queries.supplier_list(sample_con)["supplier_id"])
    at = open_page(sample_warehouse, monkeypatch, page, borough="E09000001")
    links = [
        value
        for d in at.dataframe
        for column in ("supplier_name", "incumbent_suppliers", "supplier_names")
        if column in d.value.columns
        for value in d.value[column].dropna()
    ]
    assert links, f"{page} shows supplier names"
    for link in links:
        parts = urllib.parse.urlsplit(link)
        assert parts.path == "supplier" and urllib.parse.parse_qs(parts.query)["supplier"][0] in listed, link
        assert parts.fragment


def test_a_link_with_a_search_but_no_supplier_opens_on_its_first_match(
    sample_warehouse: Path, sample_con, monkeypatch
) -> None:
    """The supplier's review: supplier?find=networks opened on the largest supplier, whose name does not hold the
    search, under a caption saying two names hold it. It opens on the first match; a supplier named too wins."""
    listed = queries.supplier_list(sample_con)
    holding = listed[listed["supplier_name"].str.contains("networks", case=False)]
    largest = queries.supplier_list(sample_con).astype({"tech_spend_gbp": float}).nlargest(1, "tech_spend_gbp")
    assert len(holding) and largest["supplier_id"].iloc[0] not in set(holding["supplier_id"])
    first = holding.sort_values("supplier_name", key=lambda n: n.str.lower())["supplier_id"].iloc[0]
    at = open_page(sample_warehouse, monkeypatch, PAGE, find="networks")
    assert at.selectbox(key="supplier").value == first and at.query_params["supplier"] == first
    named = holding["supplier_id"].iloc[-1]
    at = open_page(sample_warehouse, monkeypatch, PAGE, find="networks", supplier=named)
    assert at.selectbox(key="supplier").value == named


def test_a_contract_dated_before_the_data_as_of_date_is_already_due(sample_warehouse: Path, monkeypatch) -> None:
    """Already due as the Demand calendar says it: dated before the data-as-of date (31 March 2026), not before
    the first of its month; Lambeth's service desk, expected on 8 March 2026, is due."""
    at = open_page(sample_warehouse, monkeypatch, PAGE, supplier="kilnworth it")
    contracts = _frames(at)["contracts"].set_index(["area_name", "title"])
    desk = contracts.loc[("Lambeth", "IT service desk and end-user support")]
    assert pd.Timestamp(desk["reprocurement_date"]) == pd.Timestamp("2026-03-08") and bool(desk["is_due_now"])
    due = pd.to_datetime(contracts["reprocurement_date"]) < pd.Timestamp("2026-03-31")
    assert contracts["is_due_now"].astype(bool).tolist() == due.tolist()
