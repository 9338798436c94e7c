"""One demand picture: for every borough, every London-wide body and the London total, the Overview, the Borough
map, the borough profile, the Spend page, the Demand calendar and the export give the same pipeline, contracts
expiring and open challenges for the same period, on the sample and on a warehouse whose notices straddle its
data-as-of date (dated before it, in its month either side of it, at the edge of each period ahead, beyond).

The figures each page shows are read from the query the page runs (every area) and, for London and a few areas,
from the page itself; all are compared with tests/demand_expected.py, written from the metrics' definitions."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from loti_demand import periods, queries
from loti_demand.metrics import INFERRED, MEASURES, STATUTORY
from loti_demand.warehouse.build import build, run_checks
from loti_demand.warehouse.db import connect
from tests import demand_expected
from tests.conftest import FIXTURES, open_page

MEASURE_COLUMNS = ["pipeline_count", "pipeline_value_gbp", "contracts_expiring", "expiring_value_gbp"]
OTHER = "other London buyers"  # the area of a London buyer that is neither a borough nor a London-wide body
gbp = MEASURES["pipeline_value_gbp"].format

# --- A data folder whose notices straddle its data-as-of date (15 December 2025, the latest release) ----------

AS_OF = dt.date(2025, 12, 15)
BUYERS = {
    "camden": ("GB-LAC-E09000007", "London Borough of Camden", "UKI31"),
    "hackney": ("GB-LAC-E09000012", "London Borough of Hackney", "UKI41"),
    "westminster": ("GB-LAC-E09000033", "Westminster City Council", "UKI32"),
    "gla": ("GB-GLA-1", "Greater London Authority", "UKI32"),
    "nhs": ("GB-NHS-RXX", "Example Hospitals NHS Trust", "UKI31"),  # London, but neither a borough nor a body
    "kent": ("GB-KCC", "Kent County Council", "UKJ41"),  # not London
}


def _release(
    ocid: str,
    buyer: str,
    *,
    kind: str,
    day: str,
    title: str | None = None,
    cpv: str = "48000000",
    value: float | None = 250_000,
    status: str | None = None,
    deadline: str | None = None,
    market: str | None = None,
    milestone: str | None = None,
    start: str | None = None,
    end: str | None = None,
    award: float | None = None,
) -> dict:
    """One OCDS release: kind is UK1, UK3 or UK4 (a notice) or award (an awarded contract ending on `end`)."""
    code, name, region = BUYERS[buyer]
    tender: dict = {"id": "t", "title": title or f"{ocid} system", "classification": {"scheme": "CPV", "id": cpv}}
    if value is not None:
        tender["value"] = {"amount": value, "currency": "GBP"}
    release = {
        "ocid": ocid,
        "id": f"{ocid}-{day}",
        "date": f"{day}T10:00:00Z",
        "initiationType": "tender",
        "buyer": {"id": code, "name": name},
        "parties": [{"id": code, "name": name, "roles": ["buyer"], "address": {"region": region}}],
    }
    url = f"https://example.org/notice/{ocid}"
    if kind == "award":
        tender["status"] = "complete"
        tender["documents"] = [{"id": "1", "documentType": "awardNotice", "url": url}]
        release["tag"] = ["award"]
        release["awards"] = [
            {
                "id": "a1",
                "status": "active",
                "suppliers": [{"name": "Straddle Supplier Ltd"}],
                "contractPeriod": {"startDate": "2023-01-01T00:00:00Z", "endDate": f"{end}T00:00:00Z"},
                **({"value": {"amount": award, "currency": "GBP"}} if award else {}),
            }
        ]
    elif kind == "UK4":
        tender["status"] = status or "active"
        tender["tenderPeriod"] = {"startDate": f"{day}T00:00:00Z", "endDate": f"{deadline}T12:00:00Z"}
        tender["documents"] = [{"id": "1", "documentType": "tenderNotice", "url": url, "noticeType": "UK4"}]
        if market:  # a market date already past: the tender is dated by its bid deadline
            tender["communication"] = {"futureNoticeDate": f"{market}T00:00:00Z"}
        release["tag"] = ["tender"]
    else:
        tender["status"] = "planned" if kind == "UK3" else "planning"
        if start:
            tender["tenderPeriod"] = {"startDate": f"{start}T00:00:00Z"}
        release["tag"] = ["planning"]
        document = "plannedProcurementNotice" if kind == "UK3" else "pipelineNotice"
        milestones = [{"id": "m1", "type": "engagement", "dueDate": f"{milestone}T00:00:00Z"}] if milestone else []
        release["planning"] = {
            "documents": [{"id": "1", "documentType": document, "url": url, "noticeType": kind}],
            "milestones": milestones,
        }
    release["tender"] = tender
    return release


RELEASES = [
    _release("x-before", "camden", kind="UK4", day="2025-10-01", deadline="2025-11-20"),  # the month before
    _release("x-month-early", "camden", kind="UK4", day="2025-11-01", deadline="2025-12-05"),  # as-of month, before
    _release("x-month-late", "hackney", kind="UK4", day="2025-11-10", deadline="2025-12-20", value=120_000.50),
    # the Westminster case: its market date has passed, its bid deadline has not
    _release(
        "x-westminster",
        "westminster",
        kind="UK4",
        day="2025-10-15",
        market="2025-10-01",
        deadline="2026-01-30",
        value=2_901_000,
    ),
    _release("x-uk1", "westminster", kind="UK1", day="2025-06-01", milestone="2026-06-30", value=1_500_000),
    _release("x-12", "camden", kind="UK3", day="2025-07-01", start="2026-11-30"),  # the last day of 12 months
    _release("x-13", "hackney", kind="UK1", day="2025-07-01", milestone="2026-12-01"),  # 18 months, not 12
    _release("x-19", "camden", kind="UK1", day="2025-07-01", milestone="2027-06-01"),  # 24 months, not 18
    _release("x-25", "camden", kind="UK1", day="2025-07-01", milestone="2028-01-01"),  # beyond every period
    _release("x-gla", "gla", kind="UK4", day="2025-12-15", deadline="2026-03-10", value=4_000_000),
    _release("x-gla-plan", "gla", kind="UK3", day="2025-09-01", start="2026-09-01", value=None),
    _release("x-nhs", "nhs", kind="UK4", day="2025-11-15", deadline="2026-02-15", value=600_000),
    _release("x-kent", "kent", kind="UK4", day="2025-11-15", deadline="2026-02-15"),
    _release("x-cancelled", "camden", kind="UK4", day="2025-11-15", deadline="2026-02-01", status="cancelled"),
    _release("x-not-tech", "camden", kind="UK4", day="2025-11-15", deadline="2026-02-01", cpv="45000000"),
    _release("x-no-value", "hackney", kind="UK4", day="2025-11-15", deadline="2026-04-01", value=None),
    _release("a-ended", "camden", kind="award", day="2024-01-01", end="2025-11-30", award=90_000),
    _release("a-month", "hackney", kind="award", day="2024-01-01", end="2025-12-10", award=70_000),
    _release("a-12", "westminster", kind="award", day="2024-01-01", end="2026-11-30", award=3_000_000),
    _release("a-estimate", "camden", kind="award", day="2024-01-01", end="2026-05-01", value=800_000, award=None),
    _release("a-gla", "gla", kind="award", day="2024-01-01", end="2027-07-15", award=5_000_000),
    _release("a-nhs", "nhs", kind="award", day="2024-01-01", end="2026-08-01", award=400_000),
]
CHALLENGES = [  # id, title, boroughs, status, category
    ("s-shared", "Shared damp sensors", "Camden;Hackney", "open", "data_analytics"),
    ("s-camden", "Camden parking data", "Camden", "open", "software"),
    ("s-closed", "Hackney closed call", "Hackney", "closed", "software"),
    ("s-westminster", "Westminster kerbside", "Westminster", "open", ""),
]


@pytest.fixture(scope="session")
def straddle_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("straddle") / "data"
    shutil.copytree(FIXTURES / "data" / "spend", root / "spend")  # Camden's April 2025 spend
    (root / "procurement").mkdir(parents=True)
    package = {
        "uri": "https://example.org/straddle",
        "publishedDate": f"{AS_OF}T12:00:00Z",
        "version": "1.1",
        "publisher": {"name": "Fixture"},
        "releases": RELEASES,
    }
    (root / "procurement" / "ocds_release-package_straddle.json").write_text(json.dumps(package), encoding="utf-8")
    (root / "challenges").mkdir()
    lines = [
        "id,title,statement,boroughs,theme,status,opens_on,closes_on,budget_gbp,url,contact,tech_category,outcome_ocid"
    ]
    lines += [
        f"{cid},{title},{title} for residents,{boroughs},Housing,{status},2025-10-01,2026-06-30,,"
        f"https://example.org/{cid},,{category},"
        for cid, title, boroughs, status, category in CHALLENGES
    ]
    (root / "challenges" / "challenges.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = root.parent / "warehouse.duckdb"
    build(root, path)
    return path


@pytest.fixture(params=["sample", "straddle"])
def warehouse(request) -> Path:
    return request.getfixturevalue(f"{request.param}_warehouse")


# --- What each page counts, area by area -----------------------------------------------------------------------


def _areas(con) -> dict[str, str]:
    """Area key -> name: every borough and London-wide body by its publisher code, other London buyers as OTHER."""
    names = dict(con.execute("select publisher_code, publisher_name from publishers").fetchall())
    return {**names, OTHER: "London-wide body"}


def _key(borough_code: object, publisher_code: object) -> str:
    return (
        str(publisher_code)
        if isinstance(publisher_code, str)
        else (str(borough_code) if isinstance(borough_code, str) else OTHER)
    )


def expected(con, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The four measures per area, from the rules as the metrics state them (demand_expected), 0 where none."""
    items = demand_expected.demand_items(con)
    items["area"] = [_key(b, p) for b, p in zip(items["borough_code"], items["publisher_code"], strict=True)]
    pipeline = demand_expected.pipeline(items, start, end).groupby("area")["value_gbp"]
    expiring = demand_expected.expiring(items, start, end).groupby("area")["value_gbp"]
    frame = pd.DataFrame(
        {
            "pipeline_count": pipeline.size(),
            "pipeline_value_gbp": pipeline.sum(),
            "contracts_expiring": expiring.size(),
            "expiring_value_gbp": expiring.sum(),
        }
    )
    return frame.reindex(list(_areas(con))).fillna(0)


def _measures(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.set_index(key)[MEASURE_COLUMNS].astype(float)


def map_figures(con, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The map's table (borough_measures, stored for the periods offered) and its London-wide bodies' list."""
    boroughs = queries.borough_measures(con, start=start, end=end)
    bodies = queries.body_measures(con, start=start, end=end)
    return pd.concat([_measures(boroughs, "borough_code"), _measures(bodies, "publisher_code")])


def profile_figures(con, start: dt.date, end: dt.date, areas) -> pd.DataFrame:
    """The profile's pipeline and contracts-ending tables, summed as its sentences state them."""
    rows = {}
    for code in areas:
        pipeline = queries.borough_pipeline(con, borough=code, start=start, end=end)
        ending = queries.borough_expiring(con, borough=code, start=start, end=end)
        rows[code] = [len(pipeline), pipeline["value_gbp"].sum(), len(ending), ending["value_gbp"].sum()]
    return pd.DataFrame.from_dict(rows, orient="index", columns=MEASURE_COLUMNS).astype(float)


def calendar_figures(con, start: dt.date, end: dt.date, names: dict[str, str]) -> pd.DataFrame:
    """The calendar's statutory notices (the pipeline) and its inferred items whose contract ends in the window."""
    items = queries.demand_calendar(con, date_from=start, date_to=end)
    by_name = {name: key for key, name in names.items()}
    items["area"] = items["area_name"].map(by_name)
    assert items["area"].notna().all(), "every calendar row belongs to a known area"
    ends = pd.to_datetime(items["contract_end"])
    pipeline = items[items["confidence"] == STATUTORY].groupby("area")["value_gbp"]
    ending = items[
        (items["confidence"] == INFERRED) & (ends >= pd.Timestamp(start)) & (ends <= pd.Timestamp(end))
    ].groupby("area")["value_gbp"]
    return pd.DataFrame(
        {
            "pipeline_count": pipeline.size(),
            "pipeline_value_gbp": pipeline.sum(),
            "contracts_expiring": ending.size(),
            "expiring_value_gbp": ending.sum(),
        }
    ).fillna(0)


def export_figures(con, start: dt.date, end: dt.date, names: dict[str, str]) -> pd.DataFrame:
    """The export by borough for the period's months (a body is named, other London buyers are 'London-wide body')."""
    table = queries.demand_summary(con, by=("borough",), month_from=start, month_to=end.replace(day=1))
    by_name = {name: key for key, name in names.items()}
    table["area"] = [
        code if isinstance(code, str) else by_name[name]
        for code, name in zip(table["borough_code"], table["borough_name"], strict=True)
    ]
    return _measures(table, "area")


def _same(found: pd.DataFrame, want: pd.DataFrame, page: str) -> None:
    """The page's figures equal the expected ones for every area (an area a page leaves out has nothing)."""
    found = found.reindex(want.index).fillna(0)
    assert found.round(2).to_dict("index") == want.round(2).to_dict("index"), page


# --- The tests -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("months", [18, 12, 24])
def test_every_area_has_the_same_figures_on_every_page(warehouse: Path, months: int) -> None:
    con = connect(warehouse, read_only=True)
    as_of = queries.as_of(con)
    period = next(p for p in periods.forward_periods(as_of) if p.months == months)
    start, end = period.start, period.end
    assert (start, end) == demand_expected.window(as_of, months) == periods.months_from(as_of, months)
    names = _areas(con)
    want = expected(con, start, end)
    assert want["pipeline_count"].sum() and want["contracts_expiring"].sum(), "the data exercises both measures"
    map_areas = map_figures(con, start, end)
    _same(map_areas, want.drop(OTHER), "Borough map")
    _same(profile_figures(con, start, end, map_areas.index), want.drop(OTHER), "Borough profile")
    _same(calendar_figures(con, start, end, names), want, "Demand calendar")
    _same(export_figures(con, start, end, names), want, "export")
    sme = {
        code: queries.sme_pipeline(con, start=start, end=end, boroughs=(code,)).iloc[0]
        for code in want.index.drop(OTHER)
    }
    _same(
        pd.DataFrame(
            {
                "pipeline_count": {c: r["pipeline_count"] for c, r in sme.items()},
                "pipeline_value_gbp": {c: r["pipeline_value_gbp"] for c, r in sme.items()},
            }
        ),
        want.drop(OTHER)[["pipeline_count", "pipeline_value_gbp"]],
        "Spend page's SME sentence",
    )
    # the London total: every page's areas add up to it, and the map and the Spend page state it
    london = want.sum()
    map_london = queries.london_demand(con, start=start, end=end)[MEASURE_COLUMNS].sum()
    assert map_london.round(2).to_dict() == london.round(2).to_dict()
    everyone = queries.sme_pipeline(con, start=start, end=end).iloc[0]
    assert (everyone["pipeline_count"], round(everyone["pipeline_value_gbp"], 2)) == (
        london["pipeline_count"],
        round(london["pipeline_value_gbp"], 2),
    )
    if months == queries.PIPELINE_MONTHS:
        head = queries.headline(con, as_of=as_of).iloc[0]
        assert (head["pipeline_count"], round(float(head["pipeline_value_gbp"] or 0), 2)) == (
            london["pipeline_count"],
            round(london["pipeline_value_gbp"], 2),
        ), "Overview"
    assert not run_checks(con)
    con.close()


def test_open_challenges_are_the_same_everywhere(warehouse: Path) -> None:
    con = connect(warehouse, read_only=True)
    as_of = queries.as_of(con)
    links = con.execute(
        "select c.challenge_id, b.borough_code, c.status from challenges as c "
        "join challenge_boroughs as b using (challenge_id)"
    ).df()
    open_links = links[links["status"] == "open"]
    assert len(open_links) and (links["status"] != "open").any(), "the data has open and other challenges"
    head = queries.headline(con, as_of=as_of).iloc[0]
    assert head["open_challenges"] == open_links["challenge_id"].nunique()  # a shared challenge counts once
    by_borough = open_links.groupby("borough_code").size()
    now = periods.current_period(as_of)[0]
    mapped = queries.borough_measures(con, start=now.start, end=now.end).set_index("borough_code")
    for code, row in mapped.iterrows():
        listed = queries.borough_challenges(con, borough=code)
        assert row["open_challenges"] == len(listed) == by_borough.get(code, 0), code
    con.close()


def test_the_straddling_notices_fall_where_the_rules_say(straddle_warehouse: Path) -> None:
    """The fixture's edges: the as-of month counts whole; each period ends on its last day; cancelled, not-tech and
    non-London notices never count; a tender is dated by its deadline even when its market date has passed."""
    con = connect(straddle_warehouse, read_only=True)
    assert queries.as_of(con) == AS_OF
    found = {}
    for period in periods.forward_periods(AS_OF):
        items = queries.demand_calendar(con, date_from=period.start, date_to=period.end)
        found[period.key] = set(items.loc[items["confidence"] == STATUTORY, "ocid"])
    in_12 = {
        "x-month-early",
        "x-month-late",
        "x-westminster",
        "x-uk1",
        "x-12",
        "x-gla",
        "x-gla-plan",
        "x-nhs",
        "x-no-value",
    }
    assert found["next12"] == in_12
    assert found["next18"] == in_12 | {"x-13"}
    assert found["next24"] == in_12 | {"x-13", "x-19"}
    westminster = queries.borough_measures(
        con, start=periods.forward_periods(AS_OF)[0].start, end=periods.forward_periods(AS_OF)[0].end
    ).set_index("borough_code")
    assert westminster.loc["E09000033", "pipeline_value_gbp"] == 2_901_000 + 1_500_000
    con.close()


# --- What the pages show, for London and a few areas -------------------------------------------------------------


def _text(at) -> str:
    return " ".join(e.value for e in (*at.markdown, *at.caption))


def _number(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in {text[:3000]!r}"
    return match.group(1)


def test_every_page_states_the_same_london_figures(warehouse: Path, monkeypatch) -> None:
    con = connect(warehouse, read_only=True)
    as_of = queries.as_of(con)
    period = periods.forward_periods(as_of)[0]
    want = expected(con, period.start, period.end)
    con.close()
    count, value = int(want["pipeline_count"].sum()), gbp(want["pipeline_value_gbp"].sum())
    ending, ending_value = int(want["contracts_expiring"].sum()), gbp(want["expiring_value_gbp"].sum())

    at = open_page(warehouse, monkeypatch, "pages/overview.py")
    assert {m.label: m.value for m in at.metric}["Pipeline value, next 18 months"] == value
    assert _number(r"pipeline from (\d+) London tech procurement notices", _text(at)) == str(count)
    assert f"from {period.start:%B %Y} to {period.end:%B %Y}" in _text(at)
    # the spend headline is the Spend page's default period, the latest 12 months of spend data: the straddling
    # warehouse's notices (to 15 December 2025) are newer than its spend (April 2025)
    spent = {m.label: m.value for m in at.metric}["Tech spend, last 12 months"]
    con = connect(warehouse, read_only=True)
    dates = queries.data_dates(con).iloc[0]
    latest = periods.spend_periods(dates["first_spend_month"], dates["last_spend_month"], as_of)[0]
    con.close()
    assert f"payment lines) from {latest.start:%B %Y} to {latest.end:%B %Y};" in _text(at)
    at.switch_page("pages/spend.py").run()
    assert {m.label: m.value for m in at.metric}[f"Tech spend, {latest.phrase}"] == spent
    at.switch_page("pages/overview.py").run()

    at.switch_page("pages/map.py").run()
    at.selectbox(key="measure").set_value("pipeline_value_gbp").run()
    assert f"{count:,} London tech procurement notices ({value}) are expected" in _text(at)
    at.selectbox(key="measure").set_value("contracts_expiring").run()
    assert f"{ending:,} London awarded tech contracts ({ending_value}) end" in _text(at)

    at.switch_page("pages/calendar.py").run()
    assert {m.label: m.value for m in at.metric}["From statutory notices"] == f"{count:,}"
    contracts = "contract" if ending == 1 else "contracts"
    assert f"the pipeline ({value}); {ending:,} {contracts} of those inferred" in _text(at)
    assert f"({ending_value}), the others later" in _text(at)

    at.switch_page("pages/exports.py").run()
    at.selectbox(key="from").set_value(f"{period.start:%Y-%m}").run()
    at.selectbox(key="to").set_value(f"{period.end:%Y-%m}").run()
    table = at.dataframe[0].value
    assert (int(table["pipeline_count"].sum()), gbp(table["pipeline_value_gbp"].sum())) == (count, value)
    assert (int(table["contracts_expiring"].sum()), gbp(table["expiring_value_gbp"].sum())) == (ending, ending_value)

    at.switch_page("pages/spend.py").run()
    assert f"Of the {count:,} notices ({value}) in the London tech pipeline" in _text(
        at
    ) or f"None of the {count:,} notices ({value})" in _text(at)


@pytest.mark.parametrize(
    ("which", "code"),
    [
        ("sample", "E09000033"),
        ("straddle", "E09000033"),
        ("straddle", "E09000012"),
        ("sample", "TFL"),
        ("straddle", "GLA"),
    ],
)
def test_a_borough_profile_states_what_its_map_square_shows(which: str, code: str, monkeypatch, request) -> None:
    """A borough's profile states its map square's pipeline and contracts ending; a London-wide body's profile what
    the list beside the map gives it."""
    warehouse = request.getfixturevalue(f"{which}_warehouse")
    con = connect(warehouse, read_only=True)
    period = periods.forward_periods(queries.as_of(con))[0]
    squares = pd.concat(
        [
            queries.borough_measures(con, start=period.start, end=period.end).set_index("borough_code"),
            queries.body_measures(con, start=period.start, end=period.end).set_index("publisher_code"),
        ]
    )
    square = squares.loc[code]
    con.close()
    assert square["pipeline_count"], "the borough has a pipeline to show"
    at = open_page(warehouse, monkeypatch, "pages/borough.py", borough=code)
    count = int(square["pipeline_count"])
    assert (
        f"{count} tech procurement{'s' if count > 1 else ''}, worth {gbp(square['pipeline_value_gbp'])} in all"
        in _text(at)
    )
    if square["contracts_expiring"]:
        ending = int(square["contracts_expiring"])
        assert (
            f"{ending} contract{'s' if ending > 1 else ''}, worth {gbp(square['expiring_value_gbp'])} in all"
            in _text(at)
        )


# --- The supplier profile: its totals are the Spend page's ---------------------------------------------------------


def test_a_supplier_profile_adds_up_to_its_row_in_top_suppliers(warehouse: Path) -> None:
    """For the largest suppliers over every spend period offered: the profile's payments by buyer, by month and by
    category each add up to the supplier's row in Top suppliers (spend, lines, boroughs), each buyer's row is that
    supplier's row with the buyer chosen, and its share of a category's market is its share with the category
    chosen."""
    con = connect(warehouse, read_only=True)
    checked = 0
    for period in queries.spend_periods(con):
        window = {"start": period.start, "end": period.end}
        top = queries.top_suppliers(con, **window, limit=5).head(5)
        for row in top[top["supplier_id"].notna()].itertuples():
            where = {**window, "supplier": row.supplier_id}
            buyers = queries.supplier_spend_by_buyer(con, **where)
            months = queries.supplier_spend_by_month(con, **where)
            shares = queries.supplier_category_share(con, **where)
            for part in (buyers, months, shares):
                assert round(part["tech_spend_gbp"].sum(), 2) == round(row.tech_spend_gbp, 2), row.supplier_id
                assert part["lines"].sum() == row.lines
            assert (~buyers["is_london_wide"]).sum() == row.boroughs
            for buyer in buyers.head(3).itertuples():
                alone = queries.top_suppliers(con, **window, boroughs=(buyer.publisher_code,), limit=50)
                mine = alone.set_index("supplier_id").loc[row.supplier_id]
                assert (round(mine["tech_spend_gbp"], 2), mine["lines"]) == (
                    round(buyer.tech_spend_gbp, 2),
                    buyer.lines,
                )
            for share in shares.itertuples():
                chosen = queries.top_suppliers(con, **window, category=share.tech_category, limit=50)
                mine = chosen.set_index("supplier_id").loc[row.supplier_id]
                assert mine["rank"] == share.rank
                assert mine["share_pct"] == pytest.approx(share.share_pct, nan_ok=True)  # no share when net credit
            checked += 1
    con.close()
    assert checked >= 5
