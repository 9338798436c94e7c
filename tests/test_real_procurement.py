"""The real procurement files in ../shared/data/real/procurement: every file loads, the 17 Contracts Finder
releases resolve to the right boroughs with their exact titles, values, CPV codes and stages, and the OCDS
worked example (Barnet) compiles tender -> award -> contract into its contract state."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from loti_demand.metrics import INFERRED, STATUTORY
from loti_demand.warehouse.build import add_files, run_checks
from loti_demand.warehouse.db import connect
from tests.conftest import REAL, real_file

CF = "procurement/contracts_finder_releases"
BARNET = "procurement/ocds_standard_examples"
MERTON, WESTMINSTER, GREENWICH, EALING = "E09000024", "E09000033", "E09000011", "E09000009"
ENFIELD, HARROW, ISLINGTON = "E09000010", "E09000015", "E09000019"


@pytest.fixture(scope="module")
def real_con(tmp_path_factory: pytest.TempPathFactory):
    real_file(CF)
    files = sorted((REAL / "procurement").rglob("*.json"))
    warehouse = tmp_path_factory.mktemp("real") / "w.duckdb"
    add_files(warehouse, "procurement", files)
    con = connect(warehouse, read_only=True)
    yield con
    con.close()


def test_every_real_procurement_file_loads_and_balances(real_con) -> None:
    files = real_con.execute(
        "select path, detected_format, lines_read, rows_loaded, rows_quarantined, status from source_files"
    ).fetchall()
    assert len(files) == len(list((REAL / "procurement").rglob("*.json"))) == 21
    assert all(f[5] == "loaded" and f[2] == f[3] == 1 and f[4] == 0 for f in files), files
    formats = {Path(f[0]).name: f[1] for f in files}
    assert formats["cf_release1.json"] == "release"
    assert formats["barnet_worked_example_award.json"] == "release-package"
    assert run_checks(real_con) == []
    assert real_con.execute("select count(*) from load_issues").fetchall() == [(0,)]


# (file number, title, stage, notice type, borough, is_london, CPV, value, award value, suppliers, contract end)
CF_RELEASES = [
    (
        1,
        "Parking Pilot - CEO",
        "award",
        "award",
        MERTON,
        True,
        "63712400",
        "372032.00",
        "93007.00",
        "Marstons holdings plc",
        "2025-04-23",
    ),
    (
        2,
        "Consultation Hub - London Borough of Merton",
        "award",
        "award",
        MERTON,
        True,
        "48000000",
        "37500.00",
        "37500.00",
        "Commonplace Digital Ltd.",
        "2028-01-20",
    ),
    (
        27,
        "Demolition services Farm Road",
        "award",
        "award",
        MERTON,
        True,
        "45000000",
        "100000.00",
        "100000.00",
        "DDS Demolition",
        "2026-01-21",
    ),
    (
        29,
        "Mechanical & Electrical Capital Works (L153/232549-1HE)",
        "tender",
        "UK4 tender",
        EALING,
        True,
        "45453100",
        "185000000.00",
        None,
        None,
        "2035-06-30",
    ),
    (
        45,
        "Objective Keyplan Data Load Project",
        "award",
        "award",
        ENFIELD,
        True,
        "48000000",
        "51600.00",
        "51600.00",
        "Objective Corporation UK Ltd",
        "2026-01-21",
    ),
    (
        59,
        "Appointment of consultant to the Council's homelessness service",
        "award",
        "award",
        ENFIELD,
        True,
        "98000000",
        "60000.00",
        "60000.00",
        "Cherrytrees Consultancy Ltd",
        "2025-03-01",
    ),
    (
        62,
        "Solar Canopy - Home Energy Transition (HET) Programme",
        "tender",
        "UK4 tender",
        HARROW,
        True,
        "09332000",
        "500000.00",
        None,
        None,
        "2026-03-30",
    ),
    (
        69,
        "2324-0241 Testing, Repairs, Servicing Works for Door Entry, Access Control, Vehicle Barriers and "
        "Security Shutter Systems",
        "tender",
        "UK4 tender",
        ISLINGTON,
        True,
        "50000000",
        "4200000.00",
        None,
        None,
        "2026-03-31",
    ),
    (
        106,
        "BT221 - Orange Street, 2nd & 3rd floor refurbishment",
        "award",
        "award",
        WESTMINSTER,
        True,
        "39000000",
        "40000.00",
        "40000.00",
        "Showcase PSR Portsdown",
        "2025-05-28",
    ),
    (
        166,
        "SPS 2820 - Stray Dog Collection and Kennelling Service",
        "award",
        "award",
        GREENWICH,
        True,
        "98000000",
        "180000.00",
        "507840.00",
        "SDK (Environmental) Ltd",
        "2028-03-31",
    ),
    (
        139,
        "To Provide Non-acute intermediate care beds (step-up, step-down & rehabilitation) in Harrow for North "
        "West London Integrated Care Board - Request for Information",
        "planning",
        "UK2 engagement",
        None,
        True,
        "85323000",
        "15000000.00",
        None,
        None,
        None,
    ),
    (
        26,
        "Analytical Testing Support RFI",
        "planning",
        "UK2 engagement",
        None,
        False,
        "09100000",
        None,
        None,
        None,
        None,
    ),
    (
        149,
        "WHPC00637 - CATERING PROVISION TO WALSALL PALLIATIVE CARE CENTRE",
        "planning",
        "UK2 engagement",
        None,
        False,
        "55500000",
        None,
        None,
        None,
        None,
    ),
    (
        172,
        "Provider Event - North Northamptonshire Council - Mental Health & Autism Services",
        "planning",
        "UK2 engagement",
        None,
        False,
        "85000000",
        None,
        None,
        None,
        None,
    ),
    (
        198,
        "A47 Tuddenham to Easton - ACOUSTIC BARRIER",
        "planning",
        "UK2 engagement",
        None,
        False,
        "44000000",
        None,
        None,
        None,
        None,
    ),
    (
        83,
        "Lancashire Victim Services - Domestic Abuse",
        "planning",
        "UK3 planned",
        None,
        False,
        "85000000",
        "8000000.00",
        None,
        None,
        "2031-03-31",
    ),
    (
        95,
        "School / College Transport - SEND Schools - TAXI- DPS000119",
        "planning",
        "UK3 planned",
        None,
        False,
        "60120000",
        "213750.00",
        None,
        None,
        "2030-07-31",
    ),
]


@pytest.mark.parametrize("expected", CF_RELEASES, ids=lambda e: f"cf_release{e[0]}")
def test_contracts_finder_release(real_con, expected: tuple) -> None:
    number, *values = expected
    rows = real_con.execute(
        "select title, stage, notice_type, borough_code, is_london, cpv_code, value_gbp, award_value_gbp, "
        "supplier_names, contract_end from notices where source_file like $f",
        {"f": f"%/cf_release{number}.json"},
    ).fetchall()
    assert len(rows) == 1
    title, stage, kind, borough, london, cpv, value, award, suppliers, end = rows[0]
    assert (title, stage, kind, borough, london, cpv) == tuple(values[:6])
    assert value == (Decimal(values[6]) if values[6] else None)
    assert award == (Decimal(values[7]) if values[7] else None)
    assert suppliers == values[8]
    assert end == (dt.date.fromisoformat(values[9]) if values[9] else None)


def test_all_17_contracts_finder_releases_are_covered(real_con) -> None:
    assert len(CF_RELEASES) == len(list((REAL / CF).glob("cf_release*.json"))) == 17


def test_buyers_resolve_by_name_and_london_body(real_con) -> None:
    rows = dict(real_con.execute("select buyer_name, buyer_match from procurements where is_london").fetchall())
    assert rows["London Borough of Merton"] == "name 'London Borough of Merton'"
    assert rows["Westminster City Council"] == "name 'Westminster City Council'"
    assert rows["Royal Borough of Greenwich"] == "name 'Royal Borough of Greenwich'"
    assert rows["NHS North West London Integrated Care Board"] == (
        "London body 'NHS North West London Integrated Care Board'"
    )
    assert rows["London Borough of Barnet"] == "identifier GB-LAC-E09000003"
    outside = {r[0] for r in real_con.execute("select buyer_name from procurements where not is_london").fetchall()}
    assert outside == {
        "Lancashire Constabulary",
        "Lincolnshire County Council",
        "Ministry of Defence",
        "Walsall Healthcare NHS Trust",
        "North Northamptonshire Council",
        "GALLIFORD TRY INFRASTRUCTURE LIMITED",
    }


def test_damaged_text_is_repaired(real_con) -> None:
    parking, icb = (
        r[0]
        for r in real_con.execute(
            "select description from notices where source_file like '%/cf_release1.json' "
            "or source_file like '%/cf_release139.json' order by source_file"
        ).fetchall()
    )
    assert "ESPO 509_23 framework. The initial intention" in parking and "â€" not in parking
    assert "registered with a North West London GP. The objective" in icb and "GP.rn" not in icb


def test_planning_notices_keep_their_dates_and_sme_flag(real_con) -> None:
    rows = real_con.execute(
        "select source_file, expected_market_date, is_sme_suitable from notices where stage = 'planning' "
        "order by source_file"
    ).fetchall()
    dates = {Path(f).stem: (d, sme) for f, d, sme in rows}
    assert dates["cf_release83"] == (dt.date(2025, 7, 23), True)  # futureNoticeDate
    assert dates["cf_release139"] == (dt.date(2025, 3, 31), True)  # end of market engagement


def test_contracts_ending_and_upcoming_notices_on_real_notices(real_con) -> None:
    ending = real_con.execute(
        "select borough_code, incumbent_suppliers, value_gbp, expected_date from demand_items where confidence = $c "
        "and contract_end between $f and $t order by contract_end, ocid",
        {"c": INFERRED, "f": dt.date(2025, 1, 1), "t": dt.date(2028, 12, 31)},
    ).fetchall()
    greenwich = next(row for row in ending if row[0] == GREENWICH)
    # the supplier the contract was awarded to; re-procurement 6 months before the end, as it is under £2m
    assert greenwich[1:] == ("SDK (Environmental) Ltd", Decimal("507840.00"), dt.date(2027, 9, 30))
    assert {row[0] for row in ending} == {MERTON, WESTMINSTER, GREENWICH, ENFIELD}
    upcoming = real_con.execute(
        "select borough_code, date_basis from demand_items where confidence = $c and expected_date between $f and $t "
        "order by expected_date, ocid",
        {"c": STATUTORY, "f": dt.date(2025, 1, 1), "t": dt.date(2025, 12, 31)},
    )
    assert upcoming.fetchall() == [
        (ISLINGTON, "tender deadline"),
        (HARROW, "tender deadline"),
        (EALING, "tender deadline"),
        (None, "expected market date"),
    ]  # Lancashire left out


def test_barnet_tender_award_contract_compiles_to_its_contract_state(tmp_path: Path) -> None:
    files = [real_file(f"{BARNET}/barnet_worked_example_{stage}.json") for stage in ("contract", "tender", "award")]
    warehouse = tmp_path / "w.duckdb"
    add_files(warehouse, "procurement", files)
    con = connect(warehouse, read_only=True)
    row = con.execute(
        "select stage, notice_type, borough_code, title, award_value_gbp, contract_value_gbp, supplier_names, "
        "contract_start, contract_end, value_gbp, release_count, merge_problem from procurements"
    ).fetchall()
    assert row == [
        (
            "contract",
            "contract",
            "E09000003",
            "Planned cycle lane improvements",
            Decimal("11000000.00"),
            Decimal("11000000.00"),
            "Balfour Beatty",
            dt.date(2010, 7, 1),
            dt.date(2011, 8, 1),
            Decimal("1100000.00"),
            3,
            None,
        )
    ]
    notices = con.execute("select release_id, stage, notice_type, award_value_gbp from notices order by release_date")
    assert notices.fetchall() == [
        ("ocds-213czf-000-00001-02-tender", "tender", "UK4 tender", None),
        ("ocds-213czf-000-00001-04-award", "award", "award", Decimal("11000000.00")),
        ("ocds-213czf-000-00001-05-contract", "contract", "contract", Decimal("11000000.00")),
    ]
    assert run_checks(con) == []
