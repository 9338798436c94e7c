"""The demand summary export: equal to independent pandas aggregations of the marts, the same bytes from the CLI
and the Exports page, clear CLI errors and exit codes, and a CSV writer that neutralises formulas but keeps
numbers as numbers."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from loti_demand.cli import cli
from loti_demand.exceptions import LotiDemandError
from loti_demand.export import safe_cell, summary_notes, to_csv_bytes
from loti_demand.metrics import INFERRED, MEASURES, STATUTORY
from loti_demand.queries import export_summary
from tests import demand_expected
from tests.conftest import open_page


def _quarter(month: pd.Timestamp) -> str:
    return f"{month.year}-Q{(month.month - 1) // 3 + 1}"


def _financial_year(month: pd.Timestamp) -> str:
    start = month.year - (month.month < 4)
    return f"{start}-{(start + 1) % 100:02d}"


PERIODS = {"month": lambda m: f"{m:%Y-%m}", "quarter": _quarter, "financial_year": _financial_year}
# A London-wide body's rows have no GSS code: areas are told apart by name.
KEYS = {"borough": "borough_name", "category": "tech_category"}


def _spend_by(con, by: tuple[str, ...], first: dt.date | None = None, last: dt.date | None = None) -> pd.DataFrame:
    """Tech spend and lines grouped by hand from the `spend` mart, by the name of the borough or body that paid."""
    spend = con.execute(
        "select p.publisher_name as borough_name, s.tech_category, s.payment_month, s.amount_gbp "
        "from spend as s join publishers as p on s.publisher_code = p.publisher_code "
        "where s.tech_category is not null"
    ).df()
    if first:
        spend = spend[spend["payment_month"] >= pd.Timestamp(first)]
    if last:
        spend = spend[spend["payment_month"] <= pd.Timestamp(last)]
    keys = []
    for d in by:
        if d in PERIODS:
            spend[d] = spend["payment_month"].map(PERIODS[d])
            keys.append(d)
        else:
            keys.append(KEYS[d])
    grouped = spend.groupby(keys).agg(tech_spend_gbp=("amount_gbp", "sum"), lines=("amount_gbp", "size"))
    return grouped.reset_index()


@pytest.mark.parametrize(
    ("by", "first", "last"),
    [
        (("borough", "category", "quarter"), None, None),
        (("category", "financial_year"), dt.date(2024, 4, 1), dt.date(2026, 3, 1)),
        (("month", "borough"), dt.date(2025, 1, 1), dt.date(2025, 6, 1)),
    ],
)
def test_spend_measures_equal_a_pandas_aggregation_of_spend(sample_con, by, first, last) -> None:
    got = export_summary.demand_summary(sample_con, by=by, month_from=first, month_to=last)
    keys = [KEYS.get(d, d) for d in by]
    assert got.columns.tolist() == export_summary.columns_for(by)
    want = _spend_by(sample_con, by, first, last)
    merged = got[got["lines"] > 0].merge(want, on=keys, how="outer", suffixes=("", "_pandas"), indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    assert (merged["lines"] == merged["lines_pandas"]).all()
    assert (merged["tech_spend_gbp"].round(2) == merged["tech_spend_gbp_pandas"].round(2)).all()
    assert len(merged) > 20


def test_a_body_with_no_spend_files_has_blank_spend_not_zero(sample_con) -> None:
    """London Councils has notices in the sample but no spend files: its spend is missing, not £0, as its profile
    and the map say; a borough's quarter with no tech payments is £0 (its files are loaded)."""
    got = export_summary.demand_summary(sample_con, by=("borough", "quarter"))
    with_spend = {r[0] for r in sample_con.execute("select distinct publisher_code from spend").fetchall()}
    names = dict(sample_con.execute("select publisher_name, publisher_code from publishers").fetchall())
    without = got[~got["borough_name"].map(names).isin(with_spend)]
    assert "London Councils" in set(without["borough_name"])
    assert without["tech_spend_gbp"].isna().all() and without["lines"].isna().all()
    assert (without["pipeline_count"] > 0).any()  # the rows are there for their notices
    rest = got[got["borough_name"].map(names).isin(with_spend)]
    assert rest["tech_spend_gbp"].notna().all() and rest["lines"].notna().all()
    total = export_summary.demand_summary(sample_con, by=("quarter",))
    assert total["tech_spend_gbp"].notna().all()


def test_column_order_follows_by_and_totals_hold(sample_con) -> None:
    got = export_summary.demand_summary(sample_con, by=("quarter", "borough"))
    assert got.columns.tolist() == ["quarter", "borough_code", "borough_name", *export_summary.MEASURE_COLUMNS]
    total = export_summary.demand_summary(sample_con, by=())
    assert len(total) == 1
    spend = sample_con.execute(
        "select sum(amount_gbp), count(*) from spend where tech_category is not null"
    ).fetchall()[0]
    assert round(float(total["tech_spend_gbp"].iloc[0]), 2) == round(float(spend[0]), 2)
    assert int(total["lines"].iloc[0]) == spend[1]
    assert round(got["tech_spend_gbp"].sum(), 2) == round(float(spend[0]), 2)


@pytest.mark.parametrize(
    "by",
    [*export_summary.GRAINS, ("quarter", "borough"), ("financial_year", "category", "borough")],
    ids=lambda by: ",".join(by) or "total",
)
def test_the_stored_whole_period_is_the_table_grouped_now(demand_con, by) -> None:
    """Without months the summary comes from the build's agg_demand_summary: exactly the table that grouping the
    monthly facts gives (values, row order and types), for every choice of dimensions and an order of them."""
    stored = export_summary.demand_summary(demand_con, by=by)
    pd.testing.assert_frame_equal(
        stored, export_summary.grouped(demand_con, by=by, month_from=None, month_to=None), check_exact=True
    )
    assert stored.columns.tolist() == export_summary.columns_for(by)
    assert len(export_summary.GRAINS) == 16 and (len(stored) > 1 or not by)
    keys = [export_summary.DIMENSIONS[d][0] for d in by]  # sorted by the chosen dimensions in the order given
    pd.testing.assert_frame_equal(stored, stored.sort_values(keys).reset_index(drop=True) if keys else stored)


def test_pipeline_expiry_and_challenge_measures_equal_pandas(sample_con) -> None:
    got = export_summary.demand_summary(sample_con, by=("borough", "financial_year"))
    items = demand_expected.demand_items(sample_con)
    # areas by name: a borough, a London-wide body named in london_bodies.csv, or any other London buyer
    names = dict(sample_con.execute("select publisher_code, publisher_name from publishers").fetchall())
    items = items[items["tech_category"].notna()].assign(
        borough_name=lambda d: d["publisher_code"].map(names).fillna("London-wide body")
    )
    pipeline = items[(items["confidence"] == STATUTORY) & items["expected_date"].notna()].assign(
        financial_year=lambda d: d["expected_date"].map(_financial_year)
    )
    expiring = items[(items["confidence"] == INFERRED) & items["contract_end"].notna()].assign(
        financial_year=lambda d: pd.to_datetime(d["contract_end"]).map(_financial_year)
    )
    keyed = got.set_index(["borough_name", "financial_year"])
    assert keyed.index.is_unique
    for (area, year), rows in pipeline.groupby(["borough_name", "financial_year"]):
        assert keyed.loc[(area, year), "pipeline_count"] == len(rows)
        assert round(keyed.loc[(area, year), "pipeline_value_gbp"], 2) == round(rows["value_gbp"].fillna(0).sum(), 2)
    for (area, year), rows in expiring.groupby(["borough_name", "financial_year"]):
        assert keyed.loc[(area, year), "contracts_expiring"] == len(rows)
    assert got["pipeline_count"].sum() == len(pipeline)
    assert got["contracts_expiring"].sum() == len(expiring)
    challenges = sample_con.execute(
        "select cb.borough_code, c.opens_on from challenges c join challenge_boroughs cb using (challenge_id) "
        "where c.tech_category is not null"
    ).df()
    assert got["challenges_opened"].sum() == len(challenges)
    london = export_summary.demand_summary(sample_con, by=())  # a challenge shared by boroughs counts once London-wide
    distinct = sample_con.execute("select count(*) from challenges where tech_category is not null").fetchall()[0][0]
    assert int(london["challenges_opened"].iloc[0]) == distinct < len(challenges)


def test_bad_requests_are_clear_errors(sample_con) -> None:
    with pytest.raises(LotiDemandError, match="'year' is not a dimension; choose from borough, category"):
        export_summary.parse_by("borough,year")
    with pytest.raises(LotiDemandError, match="each dimension may be given once"):
        export_summary.parse_by("borough,borough")
    with pytest.raises(LotiDemandError, match="write it as YYYY-MM"):
        export_summary.parse_month("2025-4-1", "--from")
    with pytest.raises(LotiDemandError, match="after --to"):
        export_summary.demand_summary(
            sample_con, by=("month",), month_from=dt.date(2026, 1, 1), month_to=dt.date(2025, 1, 1)
        )


# --- The command line ---------------------------------------------------------------------------------------


def _cli(*args: str):
    return CliRunner().invoke(cli, ["export", "summary", *args])


def test_cli_writes_the_library_csv_to_stdout(sample_warehouse: Path, sample_con) -> None:
    result = _cli("--warehouse", str(sample_warehouse), "--by", "borough,category,quarter", "--out", "-")
    assert result.exit_code == 0, result.output
    expected = to_csv_bytes(export_summary.demand_summary(sample_con, by=("borough", "category", "quarter")))
    assert result.stdout_bytes == expected
    df = pd.read_csv(io.BytesIO(result.stdout_bytes), encoding="utf-8-sig")
    assert df.columns.tolist()[:5] == ["GSS code", "Borough", "Tech category code", "Tech category", "Quarter"]
    # counts are whole numbers; a body with no spend files has blank spend and lines (read back as NaN)
    lines = df["Payment lines"]
    assert df["Tech spend (£)"].dtype.kind == "f" and (lines.dropna() % 1 == 0).all() and lines.notna().any()
    assert b",0.0," not in result.stdout_bytes and ".0," not in result.stdout_bytes.decode("utf-8-sig")


def test_cli_writes_a_file_and_its_notes(sample_warehouse: Path, sample_con, tmp_path: Path) -> None:
    out = tmp_path / "summary.csv"
    result = _cli(
        "-w",
        str(sample_warehouse),
        "--by",
        "category,financial_year",
        "--from",
        "2025-04",
        "--to",
        "2026-03",
        "--out",
        str(out),
        "--no-bom",
    )
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    data = out.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    df = pd.read_csv(out)
    assert set(df["Financial year"]) == {"2025-26"}
    notes = (tmp_path / "summary.notes.md").read_text()
    as_of = sample_con.execute("select data_as_of from build_info").fetchall()[0][0]
    assert f"Data as of: {as_of:%Y-%m-%d}" in notes
    for column in export_summary.columns_for(("category", "financial_year")):
        if column in MEASURES:
            assert f"| {MEASURES[column].label} | {MEASURES[column].definition} |" in notes
    assert f"--warehouse {sample_warehouse} --by category,financial_year --from 2025-04 --to 2026-03" in notes
    assert "months 2025-04 to 2026-03;" in notes
    # what the spend rests on, counted from the warehouse: its boroughs and bodies with spend in those months
    boroughs, bodies = sample_con.execute(
        "select count(distinct publisher_code) filter (where borough_code is not null), "
        "count(distinct publisher_code) filter (where borough_code is null) from spend "
        "where payment_month between date '2025-04-01' and date '2026-03-01'"
    ).fetchone()
    assert f"Spend from {boroughs} of the 33 boroughs and {bodies} London-wide bodies with spend files" in notes
    assert "paid April 2025 to March 2026" in notes and "missing, not zero" in notes
    # with no months chosen, the notes name the first and last month the summary holds
    open_ended = summary_notes(sample_con, by=("category",), month_from=None, month_to=None, rows=1)
    assert "; 1 row." in open_ended and "1 rows" not in open_ended
    first = sample_con.execute("select min(payment_month) from spend where tech_category is not null").fetchone()[0]
    assert re.search(rf"months {first:%Y-%m} to \d{{4}}-\d{{2}};", open_ended), open_ended


def test_the_command_line_names_a_warehouse_other_than_the_default(tmp_path: Path, monkeypatch) -> None:
    from loti_demand import config
    from loti_demand.export import summary_command_line

    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(tmp_path / "elsewhere.duckdb"))
    default = config.path("warehouse", default=True)
    assert default == config.PROJECT_DIR / "data" / "warehouse.duckdb"
    by = ("borough",)
    assert summary_command_line(by, None, None, "s.csv", warehouse=default) == (
        "python -m loti_demand export summary --by borough --out s.csv"
    )
    assert (
        summary_command_line(by, None, None, "s.csv") == "python -m loti_demand export summary --by borough --out s.csv"
    )
    other = tmp_path / "my warehouse.duckdb"  # quoted for the shell
    assert summary_command_line(by, dt.date(2025, 4, 1), None, "s.csv", warehouse=other) == (
        f"python -m loti_demand export summary --warehouse '{other}' --by borough --from 2025-04 --out s.csv"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--by", "borough,year"], 2, "Invalid value for '--by': 'year' is not a dimension"),
        (["--by", "borough", "--from", "April"], 2, "Invalid value for '--from': 'April' is not a month"),
        (["--from", "2026-01", "--to", "2025-01"], 1, "--from 2026-01 is after --to 2025-01"),
    ],
)
def test_cli_errors_and_exit_codes(sample_warehouse: Path, args, code: int, message: str) -> None:
    result = _cli("-w", str(sample_warehouse), *args, "--out", "-")
    assert result.exit_code == code
    assert message in result.output
    assert "Traceback" not in result.output


def test_cli_missing_warehouse_cap_and_unwritable_out(sample_warehouse: Path, tmp_path: Path, monkeypatch) -> None:
    missing = _cli("-w", str(tmp_path / "none.duckdb"), "--out", "-")
    assert missing.exit_code == 1 and "no warehouse here yet" in missing.output
    unwritable = _cli("-w", str(sample_warehouse), "--out", str(tmp_path / "no" / "such" / "dir.csv"))
    assert unwritable.exit_code == 1 and "could not write" in unwritable.output
    monkeypatch.setenv("LOTI_DEMAND_MAX_EXPORT_ROWS", "10")
    capped = _cli("-w", str(sample_warehouse), "--out", "-")
    assert capped.exit_code == 1
    assert "more than the limit of 10" in capped.output and "LOTI_DEMAND_MAX_EXPORT_ROWS" in capped.output


def test_cli_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["export", "summary", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--by borough,category,quarter" in result.output


# --- The Exports page -------------------------------------------------------------------------------------


def _app(warehouse: Path, monkeypatch, **params: str) -> AppTest:
    return open_page(warehouse, monkeypatch, "pages/exports.py", **params)


def test_page_download_is_byte_for_byte_the_cli_file(
    sample_warehouse: Path, sample_con, monkeypatch, downloads: dict
) -> None:
    at = _app(sample_warehouse, monkeypatch)
    as_of = sample_con.execute("select data_as_of from build_info").fetchall()[0][0]
    stem = f"demand_summary_by_borough_category_quarter_as_of_{as_of:%Y-%m-%d}"
    cli_bytes = _cli("-w", str(sample_warehouse), "--by", "borough,category,quarter", "--out", "-").stdout_bytes
    assert downloads[f"{stem}.csv"] == cli_bytes
    shown = at.dataframe[0].value
    assert len(shown) == len(pd.read_csv(io.BytesIO(cli_bytes), encoding="utf-8-sig"))
    notes = downloads[f"{stem}.notes.md"].decode()
    assert f"Data as of: {as_of:%Y-%m-%d}" in notes and "| Tech spend (£) |" in notes
    # the page reads a warehouse other than the default: the command that writes the same file names it (without
    # --warehouse it would export the default one)
    command = f"python -m loti_demand export summary --warehouse {sample_warehouse} --by borough,category,quarter --out"
    assert command in at.code[0].value and command in notes


def test_page_link_round_trip(sample_warehouse: Path, sample_con, monkeypatch, downloads: dict) -> None:
    params = {"area": "london", "categories": "all", "period": "financial_year", "from": "2024-04", "to": "2025-03"}
    at = _app(sample_warehouse, monkeypatch, **params)
    for key, value in params.items():
        assert at.selectbox(key=key).value == value
        assert at.query_params[key] == value
    shown = at.dataframe[0].value
    want = export_summary.demand_summary(
        sample_con, by=("financial_year",), month_from=dt.date(2024, 4, 1), month_to=dt.date(2025, 3, 1)
    )
    assert shown["financial_year"].tolist() == want["financial_year"].tolist() == ["2024-25"]
    pandas_total = _spend_by(sample_con, ("financial_year",), dt.date(2024, 4, 1), dt.date(2025, 3, 1))
    assert round(shown["tech_spend_gbp"].iloc[0], 2) == round(pandas_total["tech_spend_gbp"].iloc[0], 2)
    name = next(n for n in downloads if n.startswith("demand_summary") and n.endswith(".csv"))
    assert name.startswith("demand_summary_by_financial_year_2024-04_to_2025-03_as_of_")
    at.selectbox(key="period").set_value("month").run()
    assert at.query_params["period"] == "month" and len(at.dataframe[0].value) == 12


def test_page_caps_large_exports_with_a_clear_message(sample_warehouse: Path, monkeypatch, downloads: dict) -> None:
    monkeypatch.setenv("LOTI_DEMAND_MAX_EXPORT_ROWS", "100")
    at = _app(sample_warehouse, monkeypatch)
    assert "more than the limit of 100" in at.warning[0].value
    assert not [n for n in downloads if n.startswith("demand_summary") and n.endswith(".csv")]


def test_page_says_when_the_months_are_the_wrong_way_round(sample_warehouse: Path, monkeypatch) -> None:
    at = _app(sample_warehouse, monkeypatch, **{"from": "2025-06", "to": "2025-01"})
    assert "after the 'To month'" in at.warning[0].value
    assert not at.dataframe


# --- The CSV writer: formula injection --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-Hardware support", "'-Hardware support"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("-5", "'-5"),  # text that looks like a number is still text
        ("Acme Ltd", "Acme Ltd"),
        (-5, -5),
        (-2.5, -2.5),
        (Decimal("-3.25"), Decimal("-3.25")),
        (0, 0),
        (True, "Yes"),
        (np.bool_(False), "No"),
        (np.int64(-7), -7),
        (np.float64(-7.5), -7.5),
        # a whole float is written as the screen shows it, and binary noise is not written
        (944.0, 944),
        (np.float64(100.00000000000001), 100),
        (99.99999999999999, 100),
        (510994024.41, 510994024.41),
        (0.1 + 0.2, 0.3),
        (None, ""),
        (float("nan"), ""),
        (pd.NA, ""),
        (pd.NaT, ""),
    ],
)
def test_safe_cell(value, expected) -> None:
    assert safe_cell(value) == expected


def test_csv_keeps_negative_amounts_numeric_and_quotes_text_formulas() -> None:
    df = (
        duckdb.connect()
        .execute(
            "select * from (values ('=cmd|'' /C calc''!A0', -1234.50::decimal(18,2), -3::bigint, date '2025-04-01'), "
            "('-Refund', 99.99::decimal(18,2), null::bigint, null::date)) "
            "t(supplier_name, tech_spend_gbp, lines, month)"
        )
        .df()
    )
    data = to_csv_bytes(df)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines() == [
        "Supplier,Tech spend (£),Payment lines,Month",
        "'=cmd|' /C calc'!A0,-1234.5,-3,2025-04-01",
        "'-Refund,99.99,,",
    ]
    back = pd.read_csv(io.StringIO(text))
    assert back["Tech spend (£)"].tolist() == [-1234.5, 99.99]
    assert back["Supplier"].tolist() == ["'=cmd|' /C calc'!A0", "'-Refund"]


def test_csv_cap_is_a_clear_error() -> None:
    with pytest.raises(LotiDemandError, match="3 rows, more than the limit of 2; narrow the filters"):
        to_csv_bytes(pd.DataFrame({"a": [1, 2, 3]}), max_rows=2)


def test_export_edges_are_refused_before_anything_is_written(sample_warehouse, tmp_path) -> None:
    """Before, --from 0000-01 ended in exit 70 (year 0 is out of range), and --notes into a folder that does not
    exist failed only after the CSV was written beside it."""
    from click.testing import CliRunner

    from loti_demand.cli import cli

    base = ["export", "summary", "--warehouse", str(sample_warehouse), "--out", str(tmp_path / "s.csv")]
    result = CliRunner().invoke(cli, [*base, "--from", "0000-01"])
    assert result.exit_code == 2 and "'0000-01' is not a month" in result.output
    result = CliRunner().invoke(cli, [*base, "--notes", str(tmp_path / "nope" / "n.md")])
    assert result.exit_code == 1 and "nope does not exist; create it or choose another" in result.output
    assert list(tmp_path.iterdir()) == []
