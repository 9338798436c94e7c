"""Data and coverage: the publication-quality score by hand on the fixture, every coverage column against an
independent pandas computation on the sample, the page's filters, links and downloads, the fetch log when there is
one, and every new page on a warehouse whose spend and challenges are empty."""

from __future__ import annotations

import datetime as dt
import io
import math
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loti_demand import periods, queries
from loti_demand.metrics import QUALITY_RULES
from loti_demand.warehouse.build import add_files, build
from loti_demand.warehouse.db import connect
from tests.conftest import open_page

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGE = "pages/coverage.py"
COMPONENTS = [
    "timeliness_score",
    "completeness_score",
    "clean_lines_score",
    "supplier_identified_score",
    "tender_award_score",
]


def _coverage(con, months: int) -> pd.DataFrame:
    as_of = queries.as_of(con)
    date_from, date_to = periods.months_back(as_of, months)
    return queries.coverage_by_borough(con, date_from=date_from, date_to=date_to, as_of=as_of)


def test_score_by_hand_on_the_fixture(demand_warehouse: Path) -> None:
    con = connect(demand_warehouse, read_only=True)
    df = _coverage(con, 12).set_index("borough_name")
    con.close()
    camden = df.loc["Camden"]
    # Camden published April 2025 only; data as of 31 December 2025 (8 months later): 100 - 10 x (8 - 1) = 30.
    # 1 of 12 months = 8. 5 of 8 lines loaded (3 quarantined) = 62.5 -> 63. 4 of 5 payees identified (1 redacted)
    # = 80. No tender had its deadline 6 months before the as-of date, so that component does not apply.
    assert [None if pd.isna(camden[c]) else int(camden[c]) for c in COMPONENTS] == [30, 8, 63, 80, None]
    assert int(camden["quality_score"]) == 45  # (30 + 8 + 63 + 80) / 4 = 45.25
    assert (camden["lines_read"], camden["lines_quarantined"], camden["redacted_lines"]) == (8, 3, 1)
    assert camden["latest_file"] == "spend/camden/council_spend_preamble.csv"
    hackney = df.loc["Hackney"]  # no spend published: timeliness and completeness 0, the rest do not apply
    assert [None if pd.isna(hackney[c]) else int(hackney[c]) for c in COMPONENTS] == [0, 0, None, None, None]
    assert int(hackney["quality_score"]) == 0 and int(hackney["notices"]) == 3
    london_wide = df.loc["London-wide body"]
    assert int(london_wide["notices"]) == 1 and pd.isna(london_wide["quality_score"])


def _round(x: float) -> int:
    return math.floor(x + 0.5)  # half away from zero, as SQL round() does for these non-negative shares


def _independent(con, months: int) -> pd.DataFrame:
    """Every coverage column recomputed with pandas from the marts (spend read in full: fine in a test)."""
    as_of = pd.Timestamp(queries.as_of(con))
    start = (as_of.to_period("M") - (months - 1)).to_timestamp()
    spend = con.execute("select borough_code, payment_month, supplier_id, is_redacted from spend").df()
    files = con.execute("select * from source_files where kind = 'spend'").df()
    procs = con.execute("select * from procurements where is_london").df()
    notices = con.execute("select borough_code from notices where is_london").df()
    rows = []
    for code in con.execute("select borough_code from boroughs").df()["borough_code"]:
        s = spend[spend["borough_code"] == code]
        period = s[(s["payment_month"] >= start) & (s["payment_month"] <= as_of)]
        f = files[files["borough_code"] == code]
        p = procs[procs["borough_code"] == code]
        latest = s["payment_month"].max()
        lag = (as_of.year - latest.year) * 12 + as_of.month - latest.month if len(s) else None
        due = p[p["tender_end"] <= as_of - pd.DateOffset(months=QUALITY_RULES["award_wait_months"])]
        awarded = due[due["stage"].isin(["award", "contract"]) | due["award_value_gbp"].notna()]
        row = {
            "borough_code": code,
            "months_with_data": period["payment_month"].nunique(),
            "lines_in_period": len(period),
            "unresolved_lines": int((period["supplier_id"].isna() & ~period["is_redacted"]).sum()),
            "redacted_lines": int(period["is_redacted"].sum()),
            "lines_read": int(f["lines_read"].sum()),
            "lines_quarantined": int(f["rows_quarantined"].sum()),
            "notices": int((notices["borough_code"] == code).sum()),
            "tenders_due_award": len(due),
            "tenders_awarded": len(awarded),
            "timeliness_score": 0 if lag is None else max(0, 100 - 10 * max(lag - 1, 0)),
            "completeness_score": _round(100 * period["payment_month"].nunique() / months),
            "clean_lines_score": _round(100 * (1 - f["rows_quarantined"].sum() / f["lines_read"].sum()))
            if f["lines_read"].sum()
            else None,
            "supplier_identified_score": _round(100 * period["supplier_id"].notna().sum() / len(period))
            if len(period)
            else None,
            "tender_award_score": _round(100 * len(awarded) / len(due)) if len(due) else None,
        }
        present = [row[c] for c in COMPONENTS if row[c] is not None]
        row["quality_score"] = _round(sum(present) / len(present))
        rows.append(row)
    return pd.DataFrame(rows).set_index("borough_code")


@pytest.mark.parametrize("months", [12, 40])
def test_coverage_agrees_with_pandas(sample_con, months: int) -> None:
    got = _coverage(sample_con, months).dropna(subset=["borough_code"]).set_index("borough_code")
    want = _independent(sample_con, months)
    assert len(got) == 33
    for column in want.columns:
        left = [None if pd.isna(v) else int(v) for v in got[column]]
        right = [None if v is None or pd.isna(v) else int(v) for v in want.loc[got.index, column]]
        assert left == right, column
    if months == 40:  # 36 months of sample data in a 40-month period
        assert set(got["completeness_score"]) == {90}
    # the London-wide bodies' row (the GLA and TfL together, unscored) counts their spend files and lines too
    # (a review found it blank beside 1,777 lines counted in London's totals)
    wide = _coverage(sample_con, months).set_index("borough_name").loc["London-wide body"]
    files = sample_con.execute(
        "select count(*), sum(lines_read), sum(rows_quarantined) from source_files "
        "where kind = 'spend' and borough_code is null and status = 'loaded'"
    ).fetchone()
    months_in = sample_con.execute(
        "select count(distinct payment_month), count(*) from spend where borough_code is null and payment_month >= ?",
        [(pd.Timestamp(queries.as_of(sample_con)).to_period("M") - (months - 1)).to_timestamp()],
    ).fetchone()
    assert files[0] > 0 and (wide["spend_files"], wide["lines_read"], wide["lines_quarantined"]) == files
    assert (wide["months_with_data"], wide["lines_in_period"]) == months_in
    assert pd.isna(wide["quality_score"])


# --- The page ---------------------------------------------------------------------------------------------


def _app(warehouse: Path, monkeypatch, page: str = PAGE, **params: str) -> AppTest:
    return open_page(warehouse, monkeypatch, page, **params)


def test_page_tables_chart_and_downloads(
    sample_warehouse: Path, sample_con, monkeypatch, downloads: dict[str, bytes]
) -> None:
    at = _app(sample_warehouse, monkeypatch)
    coverage, identified, files, issues, timeliness, categories = (d.value for d in at.dataframe)
    want = _coverage(sample_con, 12)
    assert coverage["borough_name"].tolist() == want["borough_name"].tolist()
    assert coverage["quality_score"].fillna(-1).tolist() == want["quality_score"].fillna(-1).tolist()
    assert len(files) == sample_con.execute("select count(*) from source_files").fetchall()[0][0]
    assert len(issues) == sample_con.execute("select count(*) from load_issues").fetchall()[0][0]
    taxonomy = sample_con.execute("select taxonomy_version from build_info").fetchall()[0][0]
    assert f"Tech categories (taxonomy version {taxonomy})" in [s.value for s in at.subheader]
    assert len(categories) == 13
    assert [h.value for h in at.header] == [
        "Publication-quality score by borough",
        "Coverage by borough",
        "How tech spend was identified",
        "Files loaded",
        "Quarantined lines and rejected files",
        "Fetch log",
        "Publication timeliness",
        "Method notes",
    ]
    # every publisher with spend (33 boroughs, then the GLA and TfL); the ways tech was found add up to tech spend
    # in the page's period (12 months to the data-as-of date; before, every month loaded, whatever the period)
    assert identified["area_name"].tolist()[-2:] == ["Greater London Authority", "Transport for London"]
    found = identified[[c for c in identified.columns if c.startswith("by_")]].sum(axis=1)
    tech = dict(
        sample_con.execute(
            "select coalesce(p.publisher_name, s.publisher_code), sum(s.amount_gbp) "
            "from spend s join publishers p using (publisher_code) "
            "where s.tech_category is not null and s.payment_month between '2025-04-01' and '2026-03-31' "
            "group by all"
        ).fetchall()
    )
    assert len(identified) == 35 and all(
        abs(found.iloc[i] - float(tech[name])) < 0.01 for i, name in enumerate(identified["area_name"])
    )
    assert len(timeliness) == 40 and timeliness["publisher"].iloc[0] == "City of London"  # the registry's rows
    # on the sample, overdue as of its data-as-of date, as the score's timeliness is (a review found every
    # publisher "6 months overdue" by the machine's date beside a timeliness score of 100)
    assert set(timeliness.loc[timeliness["latest_month"].notna(), "timeliness"]) == {"on time"}
    assert any("Overdue as of 31 March 2026 (the sample's data-as-of date)" in c.value for c in at.caption)
    alt = at.get("plotly_chart")[0].proto.alt
    assert alt.startswith("Scores for 33 boroughs range from")
    assert any("No fetch log" in i.value for i in at.info)
    got = pd.read_csv(
        io.BytesIO(downloads["coverage_by_borough_2025-04_to_2026-03_as_of_2026-03-31.csv"]), encoding="utf-8-sig"
    )
    assert got["Borough"].tolist() == coverage["borough_name"].tolist()
    assert got["Publication-quality score (0-100)"].fillna(-1).astype(int).tolist() == (
        coverage["quality_score"].fillna(-1).astype(int).tolist()
    )
    assert got["Latest month"].iloc[0] == f"{coverage['latest_month'].iloc[0]:%Y-%m-%d}"
    got_issues = pd.read_csv(io.BytesIO(downloads["load_issues_as_of_2026-03-31.csv"]), encoding="utf-8-sig", dtype=str)
    assert got_issues["File"].tolist() == issues["source_file"].tolist()
    assert got_issues["Problem"].tolist() == issues["problem"].tolist()


def test_filters_restore_from_the_link_and_match_sql(sample_warehouse: Path, sample_con, monkeypatch) -> None:
    file = sample_con.execute(
        "select source_file from load_issues group by 1 order by count(*) desc, 1 limit 1"
    ).fetchall()[0][0]
    at = _app(sample_warehouse, monkeypatch, months_back="40", source="spend", files_borough="E09000007", file=file)
    assert at.number_input(key="months_back").value == 40
    assert (at.selectbox(key="source").value, at.selectbox(key="files_borough").value) == ("spend", "E09000007")
    assert at.selectbox(key="file").value == file
    coverage, _, files, issues, _, _ = (d.value for d in at.dataframe)
    assert set(coverage["completeness_score"].dropna()) == {90}
    camden_files = sample_con.execute(
        "select path from source_files where kind = 'spend' and borough_code = 'E09000007' order by path"
    ).fetchall()
    assert files["path"].tolist() == [p for (p,) in camden_files]
    want = sample_con.execute(
        "select source_row, problem from load_issues where source_file = $f order by source_row", {"f": file}
    ).fetchall()
    assert list(zip(issues["source_row"], issues["problem"], strict=True)) == want
    assert all(f == file for f in issues["source_file"])
    at.selectbox(key="source").set_value("procurement").run()
    assert at.query_params["source"] == "procurement"
    assert not at.warning


def test_an_unknown_value_for_a_later_filter_is_named_on_this_page_only(sample_warehouse: Path, monkeypatch) -> None:
    """Found by a review: the Source, Borough and File boxes come after the page's notice, so their unknown values
    were named on the next page visited (the Overview), not here."""
    at = _app(sample_warehouse, monkeypatch, source="bogus", files_borough="XX")
    assert [w.value for w in at.warning if "not recognised" in w.value] == [
        "Some values in the link were not recognised and were ignored: Source: 'bogus'; Borough: 'XX'"
    ]
    at.switch_page("pages/overview.py").run()
    assert not [w.value for w in at.warning if "not recognised" in w.value]


def test_fetch_log_is_shown_when_the_warehouse_has_one(sample_warehouse: Path, tmp_path: Path, monkeypatch) -> None:
    copy = tmp_path / "with_fetch_log.duckdb"
    shutil.copyfile(sample_warehouse, copy)
    con = duckdb.connect(str(copy))
    con.execute(
        "insert into fetch_log (source, fetched_at, window_from, releases, status) "
        "values ('fts', timestamp '2026-03-31 06:00', '2026-03-30', 12, 'ok')"
    )
    con.close()
    at = _app(copy, monkeypatch)
    fetches = at.dataframe[4].value
    assert fetches["source"].tolist() == ["fts"] and fetches["releases"].tolist() == [12]
    assert not any("No fetch log" in i.value for i in at.info)


def _built_from(tmp_path_factory: pytest.TempPathFactory, name: str, kind: str, fixtures: Path) -> Path:
    """A warehouse built from one kind of input alone (the fixtures folder copied in as data/<kind>)."""
    root = tmp_path_factory.mktemp(name) / "data"
    shutil.copytree(fixtures, root / kind)
    path = root.parent / "warehouse.duckdb"
    build(root, path)
    return path


@pytest.fixture(scope="module")
def notices_only_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with procurement notices only: no spend files, no challenges."""
    return _built_from(tmp_path_factory, "notices_only", "procurement", FIXTURES / "demand" / "procurement")


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("pages/calendar.py", None),
        ("pages/collaboration.py", None),
        ("pages/coverage.py", "No lines were quarantined"),
        ("pages/exports.py", None),
    ],
)
def test_pages_work_when_a_source_is_empty(
    notices_only_warehouse: Path, monkeypatch, page: str, message: str | None
) -> None:
    at = _app(notices_only_warehouse, monkeypatch, page=page)
    if message:
        assert any(message in i.value for i in at.info)
    if page == "pages/collaboration.py":  # the notices alone give Camden, Merton and Islington's software group
        assert {m.label: m.value for m in at.metric}["Candidate groups"] == "1"
    if page == "pages/coverage.py":
        coverage = at.dataframe[0].value
        assert (coverage["spend_files"].fillna(0) == 0).all()
        assert at.get("plotly_chart")[0].proto.alt.startswith("Scores for 33 boroughs range from 0")
    if page == "pages/calendar.py":  # December 2025 to May 2027: the fixture's items but dd-i4 (June 2027)
        assert {m.label: m.value for m in at.metric}["Procurements expected"] == "9"
    if page == "pages/exports.py":  # no spend files (spend missing, not zero), but notices give pipeline and expiry
        table = at.dataframe[0].value
        assert table["tech_spend_gbp"].isna().all() and table["pipeline_count"].sum() > 0
        assert any("Spend: no spend files cover these months." in c.value for c in at.caption)


@pytest.fixture(scope="module")
def spend_only_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with spend files only: no procurement notices, no challenges."""
    return _built_from(tmp_path_factory, "spend_only", "spend", FIXTURES / "data" / "spend")


@pytest.mark.parametrize("page", ["pages/calendar.py", "pages/collaboration.py"])
def test_with_no_notices_loaded_the_pages_say_so_rather_than_blame_the_filters(
    spend_only_warehouse: Path, monkeypatch, page: str
) -> None:
    """Found by a review on real files without notices: "No procurements match these filters. Try fewer filters",
    and every page's caption read "notices to unknown"."""
    at = _app(spend_only_warehouse, monkeypatch, page=page)
    assert any(i.value.startswith("No procurement notices have been loaded, so there is nothing") for i in at.info)
    assert not any("match these filters" in i.value for i in at.info)
    assert "; no notices loaded; built" in at.caption[0].value


def test_period_window_is_whole_months() -> None:
    assert periods.months_back(dt.date(2026, 3, 31), 12) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert periods.months_from(dt.date(2026, 3, 31), 18) == (dt.date(2026, 3, 1), dt.date(2027, 8, 31))
    assert periods.add_months(dt.date(2026, 8, 31), -6) == dt.date(2026, 2, 28)
    assert periods.month_starts(dt.date(2025, 12, 31), dt.date(2026, 2, 1)) == [
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]


def test_a_file_that_loaded_nothing_is_named_with_its_commonest_reason(tmp_path: Path, monkeypatch) -> None:
    """A spend file whose every line was quarantined is named above the list of files with problems, and marked in
    it, with the reason most of its lines were quarantined for."""
    path = tmp_path / "2024_01.csv"
    path.write_text(
        "Payment Date,Supplier Name,Amount\n" + "45301.4.5,Acme Ltd,500.00\n" * 2 + "01/04/2025,Acme Ltd,TBC\n",
        encoding="utf-8",
    )
    add_files(tmp_path / "w.duckdb", "spend", [path], publisher="E09000007")
    at = _app(tmp_path / "w.duckdb", monkeypatch)
    assert [w.value for w in at.warning] == [
        f"`{path}`: nothing loaded: every one of its 3 lines was quarantined; the commonest reason (2 lines): "
        "payment_date: date not recognised (expected a UK day-first date such as 31/01/2024)"
    ]
    choices = next(s for s in at.selectbox if s.label == "File")
    assert choices.options == ["All files (3)", f"{path} (3, nothing loaded)"]


def test_the_identification_download_names_its_months(sample_warehouse: Path, monkeypatch, downloads: dict) -> None:
    _app(sample_warehouse, monkeypatch)
    assert "tech_spend_identification_2025-04_to_2026-03_as_of_2026-03-31.csv" in downloads
    _app(sample_warehouse, monkeypatch, months_back="24", source="spend", files_borough="E09000007")
    assert "tech_spend_identification_2024-04_to_2026-03_as_of_2026-03-31.csv" in downloads
    assert "source_files_spend_E09000007_as_of_2026-03-31.csv" in downloads
