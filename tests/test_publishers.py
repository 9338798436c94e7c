"""London-wide bodies (GLA, TfL...) publish spend like the boroughs: their own folders and names, never in a
borough's or a per-resident figure, and London totals that say they include them."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from loti_demand import queries
from loti_demand.cli import cli
from loti_demand.exceptions import InputFileError
from loti_demand.queries import export_summary
from loti_demand.reference import Reference
from loti_demand.warehouse.build import build, run_checks
from loti_demand.warehouse.db import connect
from tests.conftest import SAMPLE

TFL_FILE = (
    "Entity,Vendor Name,Expenditure Account,Document Number,Clearing Date,Amount,Merchant Category\n"
    "TRANSPORT TRADING LTD,ACME NETWORKS LTD,Telecommunications,1004\\1901685374,2025-06-10,68879.78,\n"
    "LONDON UNDERGROUND LIMITED,BLUE CARD MERCHANT,Computer Hardware,1005\\5110116936,2025-06-24,"
    '"(1,200.00)",5045\n'
)


@pytest.mark.parametrize(
    ("name", "code", "borough"),
    [
        ("camden", "E09000007", "E09000007"),
        ("E09000007", "E09000007", "E09000007"),
        ("greater-london-authority", "GLA", None),
        ("GLA", "GLA", None),
        ("tfl", "TFL", None),
        ("Transport for London", "TFL", None),
        ("mayors-office-for-policing-and-crime", "MOPAC", None),
        ("Mayor's Office for Policing and Crime", "MOPAC", None),
        ("london_fire_brigade", "LFC", None),
        ("narnia", None, None),
    ],
)
def test_a_folder_or_option_names_a_borough_or_a_london_wide_body(name: str, code: str | None, borough) -> None:
    publisher = Reference().publisher(name)
    assert (publisher.code, publisher.borough_code) == (code, borough) if code else publisher is None


def test_sample_bodies_load_under_their_own_names_and_stay_out_of_borough_figures(sample_con) -> None:
    rows = sample_con.execute(
        "select publisher_code, count(*), count(tech_category) from spend where borough_code is null "
        "group by publisher_code order by 1"
    ).fetchall()
    assert [r[0] for r in rows] == ["GLA", "TFL"] and all(n > 500 and tech > 100 for _, n, tech in rows)
    assert sample_con.execute(
        "select count(*) from source_files where publisher_code in ('GLA', 'TFL') "
        "and status = 'loaded' and rows_loaded > 0"
    ).fetchone() == (24,)
    assert run_checks(sample_con) == []
    last12 = queries.examples.last12(sample_con)
    measures = queries.borough_measures(sample_con, **last12)
    assert len(measures) == 33 and set(measures["borough_code"]).isdisjoint({"GLA", "TFL"})
    london = queries.spend_summary(sample_con, **last12).iloc[0]
    boroughs = queries.spend_summary(sample_con, **last12, boroughs=tuple(measures["borough_code"])).iloc[0]
    bodies = queries.spend_summary(sample_con, **last12, boroughs=("GLA", "TFL")).iloc[0]
    assert london["tech_spend_gbp"] == boroughs["tech_spend_gbp"] + bodies["tech_spend_gbp"]
    assert london["bodies_tech_spend_gbp"] == bodies["tech_spend_gbp"] > 0
    assert (london["bodies_with_data"], boroughs["bodies_with_data"], boroughs["boroughs_with_data"]) == (2, 0, 33)
    assert measures["tech_spend_gbp"].sum() == boroughs["tech_spend_gbp"]
    listed = queries.body_measures(sample_con, **last12).set_index("publisher_code")
    # every body with spend or tech notices: London Councils publishes notices in the sample, and no spend
    assert list(listed["publisher_name"]) == ["Greater London Authority", "London Councils", "Transport for London"]
    assert listed["tech_spend_gbp"].isna().tolist() == [False, True, False]
    assert listed["tech_spend_gbp"].sum() == pytest.approx(bodies["tech_spend_gbp"], abs=0.005)
    assert (
        listed.loc["LCOUNCILS", "notices"]
        == sample_con.execute(
            "select count(*) from procurements where publisher_code = 'LCOUNCILS' and tech_category is not null"
        ).fetchone()[0]
        > 0
    )


def test_the_export_names_each_body_with_a_blank_gss_code(sample_con) -> None:
    df = export_summary.demand_summary(sample_con, by=("borough",))
    gla = df[df["borough_name"] == "Greater London Authority"]
    assert len(gla) == 1 and gla["borough_code"].isna().all() and gla["tech_spend_gbp"].iloc[0] > 0
    spend = sample_con.execute(
        "select sum(amount_gbp) from spend where publisher_code = 'GLA' and tech_category is not null"
    ).fetchone()[0]
    assert Decimal(str(gla["tech_spend_gbp"].iloc[0])).quantize(Decimal("0.01")) == spend
    assert df["tech_spend_gbp"].sum() == pytest.approx(
        float(sample_con.execute("select sum(amount_gbp) from spend where tech_category is not null").fetchone()[0])
    )


def test_a_folder_named_after_no_london_body_is_named_and_skipped_with_skip_bad_files(
    data_dir: Path, tmp_path: Path
) -> None:
    odd = data_dir / "spend" / "springfield-council"
    odd.mkdir()
    (odd / "x.csv").write_text("Date,Supplier Name,Amount\n01/04/2025,Acme,500\n", encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    with pytest.raises(InputFileError, match=r"spend/springfield-council: is not named after a London borough"):
        build(data_dir, warehouse)
    assert not warehouse.exists()
    shutil.copytree(SAMPLE / "spend" / "transport-for-london", data_dir / "spend" / "tfl")
    report = build(data_dir, warehouse, skip_bad_files=True)
    assert [(f.path, f.status) for f in report.files if f.status == "rejected"] == [
        ("spend/springfield-council", "rejected")
    ]
    con = connect(warehouse, read_only=True)
    assert (
        con.execute("select problem from load_issues where source_file = 'spend/springfield-council'")
        .fetchone()[0]
        .startswith("folder rejected: is not named after a London borough or London-wide")
    )
    assert con.execute("select count(distinct path) from source_files where publisher_code = 'TFL'").fetchone()[0] == 12


def test_ingest_spend_takes_a_body_by_name_or_code(small_warehouse: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    shutil.copyfile(small_warehouse, warehouse)  # built from data_dir
    tfl = tmp_path / "tfl-2025-p03.csv"
    tfl.write_text(TFL_FILE, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["ingest", "spend", "--warehouse", str(warehouse), "--publisher", "Transport for London", str(tfl)]
    )
    assert result.exit_code == 0, result.output
    con = connect(warehouse, read_only=True)
    assert con.execute(
        "select publisher_code, borough_code, amount_gbp from spend where source_file = $f order by source_row",
        {"f": str(tfl)},
    ).fetchall() == [("TFL", None, Decimal("68879.78")), ("TFL", None, Decimal("-1200.00"))]
    con.close()
    result = CliRunner().invoke(
        cli, ["ingest", "spend", "--warehouse", str(warehouse), "--borough", "Narnia", str(tfl)]
    )
    assert result.exit_code == 1
    assert "'Narnia' is not a London borough or London-wide body" in result.output
