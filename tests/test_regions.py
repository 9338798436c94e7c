"""Regions: the `region` setting picks the area's authorities from the reference data, the warehouse records the area,
and the pages name it from the warehouse (not from the setting at view time). Greater Manchester proves it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from loti_demand import queries
from loti_demand.exceptions import LotiDemandError, ReferenceDataError
from loti_demand.navigation import registered_pages
from loti_demand.reference import Reference
from loti_demand.warehouse.build import add_files, build
from loti_demand.warehouse.db import connect
from tests.conftest import open_page

HEADER = "Body Name,Service Area,Expenditure Category,Supplier Name,Payment Date,Transaction Number,Net Amount\n"
# Two councils' files, published under their own names; the folder names the publisher, as for London.
SPEND = {
    "manchester/manchester-spend-2025-06.csv": HEADER
    + "Manchester City Council,ICT,Software licences,Civica UK Ltd,2025-06-03,MCC100201,12000.00\n"
    + "Manchester City Council,ICT,Computer hardware,XMA Ltd,2025-06-10,MCC100202,8000.00\n"
    + "Manchester City Council,Highways,Road maintenance,Amey LG Ltd,2025-06-12,MCC100203,45000.00\n",
    "trafford/trafford-spend-2025-06.csv": HEADER
    + "Trafford Council,Digital,Software licences,Microsoft Ltd,2025-06-04,TMBC9001,4747.08\n"
    + "Trafford Council,Digital,Telephony,Vodafone Ltd,2025-06-18,TMBC9002,1000.00\n"
    + "Trafford Council,Adult Social Care,Care packages,Care Ltd,2025-06-20,TMBC9003,20000.00\n",
}
MANCHESTER, TRAFFORD = "E08000003", "E08000009"


def _release(ocid: str, buyer_id: str, buyer: str, region: str) -> dict:
    party = {"id": buyer_id, "name": buyer, "roles": ["buyer"], "address": {"region": region}}
    return {
        "ocid": ocid,
        "id": f"{ocid}-1",
        "date": "2025-06-01T09:00:00Z",
        "tag": ["tender"],
        "initiationType": "tender",
        "buyer": {"id": buyer_id, "name": buyer},
        "parties": [party],
        "tender": {
            "id": "t1",
            "title": "Case management system",
            "status": "active",
            "classification": {"scheme": "CPV", "id": "48000000"},
            "value": {"amount": 100000, "currency": "GBP"},
            "tenderPeriod": {"endDate": "2025-07-01T00:00:00Z"},
        },
    }


# A Greater Manchester council by its ONS code, an NHS buyer inside the area by its ITL code, and a London borough
# and a London NHS buyer, which are outside this area however London-like their codes and regions are.
NOTICES = [
    _release("ocds-gm-1", "GB-LAC-E08000003", "Manchester City Council", "TLD33"),
    _release("ocds-gm-2", "GB-NHS-QOP", "NHS Greater Manchester Integrated Care Board", "UKD3"),
    _release("ocds-gm-3", "GB-LAC-E09000007", "London Borough of Camden", "UKI31"),
    _release("ocds-gm-4", "GB-NHS-QMJ", "NHS North Central London ICB", "London"),
]


@pytest.fixture(scope="module")
def gm_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("greater-manchester")
    for name, text in SPEND.items():
        path = root / "data" / "spend" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "data" / "procurement").mkdir()
    package = {"uri": "https://example.org/gm", "publishedDate": "2025-06-02T00:00:00Z", "releases": NOTICES}
    (root / "data" / "procurement" / "gm.json").write_text(json.dumps(package), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LOTI_DEMAND_REGION", "greater-manchester")
        build(root / "data", root / "w.duckdb")
    return root / "w.duckdb"


def test_the_region_setting_picks_the_areas_authorities(monkeypatch) -> None:
    monkeypatch.setenv("LOTI_DEMAND_REGION", "greater-manchester")
    ref = Reference()
    assert ref.area.name == "Greater Manchester" and ref.area.authority == "council"
    assert sorted(ref.borough_names) == [f"E080000{n:02d}" for n in range(1, 11)]
    assert ref.publisher("manchester").code == MANCHESTER and ref.publisher("Trafford Council").code == TRAFFORD
    assert ref.publisher("camden") is None and ref.publisher("tfl") is None  # London's are not this area's
    assert ref.table("london_bodies") == [] and {r["tile_col"] for r in ref.boroughs} == {""}


def test_london_is_the_default_region() -> None:
    ref = Reference()
    assert (ref.region, ref.area.name, len(ref.borough_names)) == ("london", "London", 33)


def test_an_unknown_region_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setenv("LOTI_DEMAND_REGION", "narnia")
    with pytest.raises(ReferenceDataError, match=r"no region called 'narnia'.*greater-manchester"):
        Reference().borough_names  # noqa: B018 (the property reads the region's files)


def test_a_region_file_without_a_needed_column_names_it(tmp_path: Path) -> None:
    folder = tmp_path / "regions" / "somewhere"
    folder.mkdir(parents=True)
    (folder / "region.toml").write_text('name = "Somewhere"\n', encoding="utf-8")
    (folder / "boroughs.csv").write_text("borough_code,borough_name,population_year\nE1,A,2020\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"boroughs\.csv: row 1 \(the header\) has no population column"):
        Reference(tmp_path, "somewhere").boroughs  # noqa: B018


def test_a_reference_row_with_an_unquoted_comma_is_refused_not_read_out_of_place(tmp_path: Path) -> None:
    folder = tmp_path / "regions" / "somewhere"
    folder.mkdir(parents=True)
    (folder / "region.toml").write_text('name = "Somewhere"\n', encoding="utf-8")
    (folder / "boroughs.csv").write_text(
        "borough_code,borough_name,population,population_year\n"
        'E1,"Ayr, North",100,2020\n'  # quoted: one value
        "E2,B,200,2020,,\n"  # empty values past the header: harmless
        "E3,Cee, South,300,2020\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError, match=r"boroughs\.csv: row 4 has 5 values where the header has 4 columns"):
        Reference(tmp_path, "somewhere").boroughs  # noqa: B018
    (folder / "boroughs.csv").write_text(
        'borough_code,borough_name,population,population_year\nE1,"Ayr, North",100,2020\nE2,B,200,2020,,\n',
        encoding="utf-8",
    )
    assert Reference(tmp_path, "somewhere").borough_names == {"E1": "Ayr, North", "E2": "B"}


def test_the_warehouse_records_the_region_and_attributes_spend_to_its_councils(gm_warehouse: Path) -> None:
    con = connect(gm_warehouse, read_only=True)
    try:
        info = con.execute("select region, region_name, authority_word from build_info").fetchone()
        assert info == ("greater-manchester", "Greater Manchester", "council")
        assert con.execute("select count(*), sum(population) from boroughs").fetchone() == (10, 2_835_686)
        spend = con.execute(
            "select publisher_code, borough_code, count(*), sum(amount_gbp) from spend group by all order by 1"
        ).fetchall()
        assert spend == [
            (MANCHESTER, MANCHESTER, 3, Decimal("65000.00")),
            (TRAFFORD, TRAFFORD, 3, Decimal("25747.08")),
        ]
        tech = dict(
            con.execute(
                "select borough_code, sum(amount_gbp) from spend where tech_category is not null group by 1"
            ).fetchall()
        )
        assert tech == {MANCHESTER: Decimal("20000.00"), TRAFFORD: Decimal("5747.08")}
        in_area = con.execute("select ocid, borough_code, is_london from procurements order by ocid").fetchall()
        assert in_area == [
            ("ocds-gm-1", MANCHESTER, True),
            ("ocds-gm-2", None, True),
            ("ocds-gm-3", None, False),
            ("ocds-gm-4", None, False),
        ]
        measures = queries.borough_measures(con, start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30)).set_index(
            "borough_code"
        )
        assert len(measures) == 10
        # per resident from this region's population (ONS mid-2019): Manchester 552,858, Trafford 237,354
        per_resident = measures["tech_spend_per_resident_gbp"]
        assert float(per_resident[MANCHESTER]) == pytest.approx(20000 / 552_858, rel=1e-6)
        assert float(per_resident[TRAFFORD]) == pytest.approx(5747.08 / 237_354, rel=1e-6)
    finally:
        con.close()


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/map.py", "pages/spend.py"])
def test_pages_name_the_area_of_the_warehouse(gm_warehouse: Path, monkeypatch, page: str) -> None:
    monkeypatch.delenv("LOTI_DEMAND_REGION", raising=False)  # the warehouse says which area, not the setting
    at = open_page(gm_warehouse, monkeypatch, page)
    text = " ".join(e.value for e in [*at.caption, *at.markdown, *at.info] if isinstance(e.value, str))
    assert "Greater Manchester tech demand" in text and "London" not in text
    if page != "pages/spend.py":
        assert "10 local authorities" in text  # the page's purpose counts the area's authorities
    # each council's files cover 1 of the 12 months: the totals say so (the GLA officer's review), as the map did
    if page == "pages/overview.py":
        assert "2 of the authorities with spend data have files for fewer than 12 of these months" in text
    if page == "pages/spend.py":
        assert "2 of them cover fewer than 12 months, so those totals cover part of the period only." in text
    if page == "pages/map.py":
        assert "No tile layout exists for Greater Manchester" in text
        assert not at.get("plotly_chart"), "no tile map without tile positions"


@pytest.mark.parametrize("page", [p.path for p in registered_pages()])
def test_every_page_serves_a_region_without_tiles_bodies_or_neighbours(gm_warehouse: Path, monkeypatch, page) -> None:
    at = open_page(gm_warehouse, monkeypatch, page, borough=MANCHESTER)
    assert any("Greater Manchester tech demand" in c.value for c in at.caption)
    if page == "pages/spend.py":  # its authorities are called what the region calls them
        assert any(c.value.startswith("Coverage: 2 of the 10 councils have spend files") for c in at.caption)


def test_files_are_added_only_under_the_warehouses_own_region(gm_warehouse: Path, tmp_path: Path, monkeypatch) -> None:
    """Adding a file with another region's setting would read the warehouse's publishers with the wrong reference
    data: it is refused, naming both regions, and the warehouse is left as it was."""
    warehouse = tmp_path / "w.duckdb"
    warehouse.write_bytes(gm_warehouse.read_bytes())
    extra = tmp_path / "more.csv"
    extra.write_text(HEADER + "Trafford Council,Digital,Software licences,Civica UK Ltd,2025-07-01,TMBC9100,600.00\n")
    monkeypatch.delenv("LOTI_DEMAND_REGION", raising=False)  # London, the default
    with pytest.raises(LotiDemandError, match=r"built for the region 'greater-manchester'.*LOTI_DEMAND_REGION"):
        add_files(warehouse, "spend", [extra], publisher="Camden")
    assert warehouse.read_bytes() == gm_warehouse.read_bytes()
    monkeypatch.setenv("LOTI_DEMAND_REGION", "greater-manchester")
    add_files(warehouse, "spend", [extra], publisher="Trafford")
    con = connect(warehouse, read_only=True)
    assert con.execute("select count(*) from spend where borough_code = $c", {"c": TRAFFORD}).fetchone()[0] == 4


def test_the_exports_notes_name_the_area_of_the_warehouse(gm_warehouse: Path) -> None:
    """The GLA officer's review: another region's notes were headed "London tech demand summary", and a summary
    grouped by nothing was "one London-wide total"."""
    from loti_demand.export import summary_notes

    con = connect(gm_warehouse, read_only=True)
    try:
        notes = summary_notes(con, by=(), month_from=None, month_to=None, rows=1)
    finally:
        con.close()
    assert notes.startswith("# Greater Manchester tech demand summary: notes")
    assert "nothing (one Greater Manchester-wide total)" in notes and "London tech demand" not in notes
