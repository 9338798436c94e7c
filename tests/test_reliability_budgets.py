"""Hostile files against the input budgets, the accounting of every unit and the values stored (issue 25).

Each file is generated here (big on paper, at most a few MB on disk) and ingested by `add_files` in a child process
whose address space is capped (RLIMIT_AS), so a reader that tries to hold a gigabyte fails its test instead of the
machine. Each test checks the message names the file (and line, row or member where one applies) or that nothing
was lost: per file, lines read = loaded + duplicate + quarantined (the build's own checks, run in the child).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import string
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from tests.reliability_inputs import (
    SPEND_HEADER,
    gzip_repeated,
    monthly_workbook,
    nested_zips,
    ods,
    ods_cell,
    ods_row,
    workbook,
    zip_of,
    zip_repeated,
)

PROJECT = Path(__file__).resolve().parent.parent
CAMDEN = "E09000007"
# The child's address space. Importing DuckDB, pyarrow and openpyxl and building a small warehouse reserves about
# 1.6 GB of it (RSS about 0.25 GB); reading a 1 GB member whole would pass the cap.
ADDRESS_SPACE = 2_600 << 20
_WAREHOUSES = itertools.count()

CHILD = textwrap.dedent("""
    import json, resource, sys
    from pathlib import Path
    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from loti_demand.exceptions import LotiDemandError
    from loti_demand.warehouse.build import add_files, run_checks
    from loti_demand.warehouse.db import connect
    spec = json.loads(sys.argv[1])
    if spec.get("unbudgeted"):  # the harness's own test: a reader that no longer checks what archives expand to
        from loti_demand.sources import limits
        limits.Budget.expand = lambda *args, **kwargs: None
    warehouse = Path(spec["warehouse"])
    try:
        add_files(warehouse, spec["kind"], [Path(p) for p in spec["paths"]], publisher=spec["borough"],
                  skip_bad_files=spec["skip"])
    except LotiDemandError as exc:
        print(json.dumps({"error": str(exc), "type": type(exc).__name__}))
        sys.exit(0)
    con = connect(warehouse, read_only=True)
    out = {"failed_checks": [str(f) for f in run_checks(con)]}
    for name, sql in {**spec["queries"], **spec["standard"]}.items():
        out[name] = con.execute(sql).fetchall()
    print(json.dumps(out, default=str))
""")
STANDARD = {
    "files": "select path, status, lines_read, rows_loaded, rows_duplicate, rows_quarantined from source_files "
    "order by file_id",
    "issues": "select source_file, source_row, column_name, problem from load_issues order by 1, 2",
}


def run_child(
    tmp_path: Path,
    kind: str,
    files: tuple[Path, ...],
    env: dict[str, str] | None = None,
    address_space: int = ADDRESS_SPACE,
    **spec: object,
) -> subprocess.CompletedProcess:
    spec = {
        "warehouse": str(tmp_path / f"w{next(_WAREHOUSES)}.duckdb"),
        "kind": kind,
        "paths": [str(f) for f in files],
        "borough": CAMDEN if kind == "spend" else None,
        "skip": False,
        "queries": {},
        "standard": STANDARD,
        **spec,
    }
    child_env = {**os.environ, "MALLOC_ARENA_MAX": "2", **(env or {})}  # fewer malloc arenas: less address space
    return subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(spec), str(address_space)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=600,
        env=child_env,
        check=False,
    )


def ingest(
    tmp_path: Path,
    kind: str,
    *files: Path,
    env: dict[str, str] | None = None,
    skip: bool = False,
    address_space: int = ADDRESS_SPACE,
    **queries: str,
) -> dict:
    """add_files in a capped child; {'error': message} or the named query results (plus files and issues)."""
    done = run_child(tmp_path, kind, files, env, address_space, skip=skip, queries=queries)
    assert done.returncode == 0, f"the child failed (exit {done.returncode}):\n{done.stderr[-3000:]}"
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert not result.get("failed_checks"), result["failed_checks"]
    return result


def refused(result: dict, *fragments: str) -> str:
    """The message of a refused file, checked to name the file and each fragment (line, member, setting)."""
    assert "error" in result, f"expected the file to be refused, got {result}"
    message = result["error"]
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} is not in the message: {message}"
    assert "Traceback" not in message and len(message) < 3000
    return message


def balanced(result: dict) -> list[list]:
    """The files' accounting, once every file was loaded and its lines balance (the child ran the checks too)."""
    assert "error" not in result, result.get("error")
    for path, status, read, loaded, duplicate, quarantined in result["files"]:
        assert status in ("loaded", "skipped"), (path, status)
        assert read == loaded + duplicate + quarantined, path
    return result["files"]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def spend_csv(*rows: str) -> bytes:
    return SPEND_HEADER + "".join(f"{row}\r\n" for row in rows).encode()


# --- budgets ----------------------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_member_before_it_expands(tmp_path: Path) -> None:
    bomb = write(tmp_path / "bomb.zip", zip_repeated("payments.csv", SPEND_HEADER, b"0" * (1 << 20), 1100))
    assert bomb.stat().st_size < 2_000_000  # 1.1 MB on disk, 1.15 GB inside
    refused(ingest(tmp_path, "spend", bomb), str(bomb), "'payments.csv'", "LOTI_DEMAND_MAX_FILE_MB")
    skipped = ingest(tmp_path, "spend", bomb, skip=True)
    assert [row[1:3] for row in skipped["files"]] == [["rejected", 0]]


def test_a_gzip_that_expands_into_one_string_is_refused_by_its_ratio(tmp_path: Path) -> None:
    package = b'{"releases": [{"ocid": "ocds-x-1", "id": "1", "date": "2025-01-01", "description": "'
    bomb = write(tmp_path / "one-string.json.gz", gzip_repeated(package, b"A" * (1 << 20), 1024, b'"}]}'))
    refused(
        ingest(tmp_path, "procurement", bomb),
        str(bomb),
        "expands more than 100 times",
        "LOTI_DEMAND_MAX_COMPRESSION_RATIO",
    )


def test_a_json_value_longer_than_the_limit_is_refused_with_the_line_it_starts_on(tmp_path: Path) -> None:
    text = "".join(random.Random(25).choices(string.ascii_letters, k=3_000_000))  # hardly compressible
    release = {"ocid": "ocds-x-1", "id": "1", "date": "2025-01-01T00:00:00Z", "description": text}
    path = write(
        tmp_path / "long-string.json",
        b'{\n "uri": "x",\n "releases": [\n  ' + json.dumps(release).encode() + b"\n ]\n}\n",
    )
    refused(
        ingest(tmp_path, "procurement", path, env={"LOTI_DEMAND_MAX_JSON_VALUE_MB": "1"}),
        str(path),
        "starting at line 4",
        "LOTI_DEMAND_MAX_JSON_VALUE_MB",
    )


@pytest.mark.slow
def test_a_gigabyte_of_whitespace_is_refused_at_once_and_read_quickly_when_allowed(tmp_path: Path) -> None:
    blank = write(tmp_path / "blank.json.gz", gzip_repeated(b"", b" " * (1 << 20), 1200))
    refused(ingest(tmp_path, "procurement", blank), str(blank), "LOTI_DEMAND_MAX_COMPRESSION_RATIO")
    # With the ratio lifted, the whole 1.2 GB is skipped as whitespace (in chunks, never held), within 60 seconds:
    # the file is then refused for what it is.
    allowed = ingest(
        tmp_path,
        "procurement",
        blank,
        env={"LOTI_DEMAND_MAX_COMPRESSION_RATIO": "100000", "LOTI_DEMAND_MAX_SECONDS_PER_FILE": "60"},
    )
    assert allowed["type"] == "InputFileError" and allowed["error"].startswith(f"{blank}: is empty")


def test_a_sheet_is_read_to_its_real_extent_and_within_the_cells_limit(tmp_path: Path) -> None:
    rows = [["Date", "Supplier Name", "Amount"], *[["01/05/2025", f"Supplier {i}", 500 + i] for i in range(3)]]
    claims = write(tmp_path / "claims-a-million-rows.xlsx", workbook(rows, dimension="A1:XFD1048576"))
    assert claims.stat().st_size < 10_000
    assert balanced(ingest(tmp_path, "spend", claims)) == [[str(claims), "loaded", 3, 3, 0, 0]]

    wide = [
        ["Date", "Supplier Name", "Amount", *[f"Note {i}" for i in range(7)]],
        *[["01/05/2025", "Acme Ltd", 500, *["x"] * 7] for _ in range(99)],
    ]
    many = write(tmp_path / "many-cells.xlsx", workbook(wide))
    refused(
        ingest(tmp_path, "spend", many, env={"LOTI_DEMAND_MAX_SHEET_CELLS": "500"}),
        str(many),
        "of sheet 'Payments'",
        "LOTI_DEMAND_MAX_SHEET_CELLS",
    )


def test_an_opendocument_sheet_is_read_to_its_real_extent_and_within_its_limits(tmp_path: Path) -> None:
    """A row or cell written once with a repeat count costs nothing while empty (LibreOffice ends every sheet with a
    million empty rows so written) and is counted cell by cell and byte by byte when it holds a value: a few bytes
    claiming a billion cells, a line of 200,000 or a gigabyte of text, or a thousand sheets (each read from the start
    of the file), are refused by the budgets, not read into memory."""
    header = ods_row(ods_cell("Date"), ods_cell("Supplier Name"), ods_cell("Amount"))
    payment = ods_row(ods_cell("01/05/2025"), ods_cell("Acme Ltd"), ods_cell(500))
    real = write(
        tmp_path / "libreoffice.ods",
        ods({"Payments": [header, payment, ods_row(ods_cell(), repeat=1_048_000), payment]}),
    )
    assert real.stat().st_size < 10_000
    result = ingest(tmp_path, "spend", real, rows="select source_row, amount_gbp from spend order by 1")
    assert balanced(result) == [[str(real), "loaded", 2, 2, 0, 0]]
    assert result["rows"] == [[2, "500.00"], [1_048_003, "500.00"]]  # each line keeps its row in the sheet

    repeated = write(
        tmp_path / "a-billion-cells.ods",
        ods(
            {
                "Payments": [
                    header,
                    ods_row(ods_cell("01/05/2025"), ods_cell("Acme Ltd"), ods_cell(500), repeat=400_000_000),
                ]
            }
        ),
    )
    assert repeated.stat().st_size < 10_000
    refused(ingest(tmp_path, "spend", repeated), str(repeated), "of sheet 'Payments'", "LOTI_DEMAND_MAX_SHEET_CELLS")

    wide = write(
        tmp_path / "wide.ods",
        ods(
            {
                "Payments": [
                    header,
                    ods_row(ods_cell("01/05/2025"), ods_cell("Acme Ltd"), ods_cell(500), ods_cell("x", repeat=200_000)),
                ]
            }
        ),
    )
    refused(
        ingest(tmp_path, "spend", wide),
        str(wide),
        "row 2 of sheet 'Payments' has 200,003 cells",
        "LOTI_DEMAND_MAX_COLUMNS",
    )

    spaces = ods_cell("", xml='<text:s text:c="100000"/>x')  # 100,000 spaces written in 27 bytes
    text = write(
        tmp_path / "a-gigabyte-of-text.ods",
        ods({"Payments": [header, ods_row(ods_cell("01/05/2025"), spaces, ods_cell(500), repeat=10_000)]}),
    )
    assert text.stat().st_size < 10_000
    refused(ingest(tmp_path, "spend", text), str(text), "of cell text (stopped at row 2 of sheet 'Payments')")

    sheets = write(tmp_path / "many-sheets.ods", ods({f"S{i}": [] for i in range(1_001)}))
    refused(ingest(tmp_path, "spend", sheets), str(sheets), "has more than 1,000 sheets")


def test_a_line_of_200000_cells_is_refused_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "wide.csv",
        b"Date,Supplier Name,Amount"
        + b",x" * 199_997
        + b"\r\n"
        + (b"01/05/2025,Acme,500" + b"," * 199_997 + b"\r\n") * 2,
    )
    assert path.stat().st_size < 1_000_000
    refused(ingest(tmp_path, "spend", path), str(path), "line 1 has 200,000 cells", "LOTI_DEMAND_MAX_COLUMNS")


def test_archives_nested_past_the_limit_are_refused_and_those_within_it_are_read(tmp_path: Path) -> None:
    deep = write(tmp_path / "deep.zip", nested_zips(1200, "payments.csv", spend_csv("01/05/2025,Acme,500,X,1")))
    refused(ingest(tmp_path, "spend", deep), f"{deep}!level1199.zip!level1198.zip!level1197.zip:", "nested 4 deep")

    inner = write(tmp_path / "outer.zip", nested_zips(3, "payments.csv", spend_csv("01/05/2025,Acme,500,X,1")))
    assert balanced(ingest(tmp_path, "spend", inner)) == [
        [f"{inner}!level2.zip!level1.zip!payments.csv", "loaded", 1, 1, 0, 0]
    ]


def test_every_member_of_an_archive_is_loaded_or_named(tmp_path: Path) -> None:
    archive = write(
        tmp_path / "year.zip",
        zip_of(
            {
                "2025\\may.csv": spend_csv("01/05/2025,Acme Ltd,500,X,1"),  # a folder written with a backslash
                "notes/readme.pdf": b"%PDF-1.4",
                "__MACOSX/2025/._may.csv": b"\x00\x05\x16\x07",
            }
        ),
    )
    result = ingest(tmp_path, "spend", archive)
    assert balanced(result) == [
        [f"{archive}!2025/may.csv", "loaded", 1, 1, 0, 0],
        [f"{archive}!notes/readme.pdf", "skipped", 0, 0, 0, 0],
        [f"{archive}!__MACOSX/2025/._may.csv", "skipped", 0, 0, 0, 0],
    ]
    assert {(issue[0], issue[3].split(":")[0]) for issue in result["issues"]} == {
        (f"{archive}!notes/readme.pdf", "archive member not read"),
        (f"{archive}!__MACOSX/2025/._may.csv", "archive member not read"),
    }

    crowded = write(tmp_path / "crowded.zip", zip_of({f"m{i}.csv": b"" for i in range(1001)}))
    refused(ingest(tmp_path, "spend", crowded), str(crowded), "1,001 members, over the limit of 1,000")


def test_every_sheet_of_a_workbook_is_loaded_and_its_lines_balance(tmp_path: Path) -> None:
    book = monthly_workbook(tmp_path / "q1.xlsx")
    result = ingest(tmp_path, "spend", book, total="select sum(amount_gbp) from spend")
    assert balanced(result) == [
        [f"{book}!Apr 2025", "loaded", 2, 2, 0, 0],
        [f"{book}!May 2025", "loaded", 2, 1, 0, 1],
    ]
    assert result["total"] == [["13800.75"]]  # April's two lines and May's calculated one
    [(file, row, _, problem)] = result["issues"]
    assert (file, row) == (f"{book}!May 2025", 2) and "formula with no saved value" in problem


def test_a_file_that_takes_too_long_is_refused_by_name(tmp_path: Path) -> None:
    path = write(tmp_path / "slow.csv", spend_csv("01/05/2025,Acme Ltd,500,X,1"))
    refused(
        ingest(tmp_path, "spend", path, env={"LOTI_DEMAND_MAX_SECONDS_PER_FILE": "0"}),
        str(path),
        "took more than 0 seconds to read",
        "LOTI_DEMAND_MAX_SECONDS_PER_FILE",
    )


# --- every unit accounted for -----------------------------------------------------------------------------------


def test_formulas_with_no_saved_value_quarantine_their_rows_by_cell(tmp_path: Path) -> None:
    rows = [
        ["Date", "Supplier Name", "Net", "Amount"],
        ["01/05/2025", "Acme Ltd", 400, "=C2*1.2"],
        ["=TODAY()", "=A1", None, "=C3"],  # nothing but formulas: was read as a blank row
        ["02/05/2025", "Beta Ltd", 500, 600],
    ]
    path = write(tmp_path / "formulas.xlsx", workbook(rows))
    result = ingest(tmp_path, "spend", path)
    assert balanced(result) == [[str(path), "loaded", 3, 1, 0, 2]]
    problems = {row: problem for _, row, _, problem in result["issues"]}
    assert problems[2].startswith("formula with no saved value in cell D2 of sheet 'Payments'")
    assert problems[3].startswith("formula with no saved value in cell A3, B3, D3 of sheet 'Payments'")


def test_every_releases_array_of_a_package_is_read(tmp_path: Path) -> None:
    def release(i: int) -> str:
        return json.dumps({"ocid": f"ocds-x-{i}", "id": str(i), "date": "2025-01-01T00:00:00Z"})

    path = write(
        tmp_path / "two-arrays.json",
        f'{{"uri": "x", "releases": [{release(1)}, {release(2)}], '
        f'"version": "1.1", "releases": [{release(3)}]}}'.encode(),
    )
    result = ingest(tmp_path, "procurement", path, ocids="select ocid from notices order by 1")
    assert balanced(result) == [[str(path), "loaded", 3, 3, 0, 0]]
    assert result["ocids"] == [["ocds-x-1"], ["ocds-x-2"], ["ocds-x-3"]]


# --- values -----------------------------------------------------------------------------------------------------

AMOUNTS = "select source_row, amount_gbp from spend order by 1"


def test_a_file_written_with_decimal_commas_is_read_with_them(tmp_path: Path) -> None:
    path = write(
        tmp_path / "komma.csv",
        "Datum;Supplier Name;Amount\r\n01/05/2025;Acme Ltd;1.234,56\r\n"
        "02/05/2025;Beta Ltd;1,23\r\n03/05/2025;Gamma Ltd;500\r\n"
        "04/05/2025;Delta Ltd;2.000\r\n05/05/2025;Eta Ltd;1,234\r\n".replace("Datum", "Date").encode(),
    )
    result = ingest(tmp_path, "spend", path, amounts=AMOUNTS)
    assert balanced(result) == [[str(path), "loaded", 5, 4, 0, 1]]
    assert [(row, Decimal(value)) for row, value in result["amounts"]] == [
        (2, Decimal("1234.56")),
        (3, Decimal("1.23")),
        (4, Decimal("500")),
        (5, Decimal("2000")),
    ]
    assert [(row, column, problem.split(":")[0]) for _, row, column, problem in result["issues"]] == [
        (6, "amount", "amount is ambiguous")
    ]  # '1,234': a thousands comma, or three decimals?


def test_an_amount_with_the_other_decimal_mark_is_quarantined(tmp_path: Path) -> None:
    path = write(
        tmp_path / "mixed-marks.csv",
        spend_csv(
            '01/05/2025,Acme Ltd,"1,234.56",X,1', "02/05/2025,Beta Ltd,12.50,X,2", '03/05/2025,Gamma Ltd,"12,50",X,3'
        ),
    )
    result = ingest(tmp_path, "spend", path, amounts=AMOUNTS)
    assert balanced(result) == [[str(path), "loaded", 3, 2, 0, 1]]
    assert [(row, Decimal(value)) for row, value in result["amounts"]] == [
        (2, Decimal("1234.56")),
        (3, Decimal("12.50")),
    ]
    assert [(row, problem.split(":")[0]) for _, row, _, problem in result["issues"]] == [(4, "amount is ambiguous")]


def test_nul_and_control_characters_are_refused_wherever_they_are(tmp_path: Path) -> None:
    body = spend_csv(*[f"01/05/2025,Supplier {i},500,X,{i}" for i in range(2000)])  # past the first 64 KB
    nul = write(tmp_path / "late-nul.csv", body + b"02/05/2025,Acme\x00 Ltd,500,X,N\r\n")
    refused(ingest(tmp_path, "spend", nul), str(nul), "NUL byte at line 2002")

    control = write(tmp_path / "control.csv", body + b"02/05/2025,Acme\x1b Ltd,500,X,C\r\n")
    result = ingest(tmp_path, "spend", control)
    assert balanced(result) == [[str(control), "loaded", 2001, 2000, 0, 1]]
    [(_, row, _, problem)] = result["issues"]
    assert row == 2002 and problem.startswith("control character U+001B in column 'Supplier Name'")


def test_a_file_of_two_encodings_is_read_as_one_and_the_other_lines_quarantined(tmp_path: Path) -> None:
    utf8 = [f"0{d}/05/2025,Café {d},500,X,{d}".encode() for d in range(1, 8)]
    cp1252 = ["08/05/2025,Crêperie Ltd,500,X,8".encode("cp1252")]
    path = write(tmp_path / "two-encodings.csv", SPEND_HEADER + b"\r\n".join(utf8 + cp1252) + b"\r\n")
    result = ingest(
        tmp_path,
        "spend",
        path,
        names="select supplier_name from spend order by 1",
        encoding="select encoding from source_files",
    )
    assert balanced(result) == [[str(path), "loaded", 8, 7, 0, 1]]
    assert result["encoding"] == [["utf-8"]] and result["names"] == [[f"Café {d}"] for d in range(1, 8)]
    [(_, row, _, problem)] = result["issues"]
    assert row == 9 and problem.startswith("line is not valid UTF-8")


def _release(i: int, date: str, amount: object = 1000) -> dict:
    return {
        "ocid": f"ocds-x-{i}",
        "id": str(i),
        "date": date,
        "tag": ["tender"],
        "buyer": {"id": "GB-LAC-E09000007", "name": "London Borough of Camden"},
        "tender": {
            "title": "Cloud hosting",
            "status": "active",
            "value": {"amount": amount, "currency": "GBP"},
            "classification": {"scheme": "CPV", "id": "48000000"},
        },
    }


def test_ocds_amounts_that_are_negative_or_infinite_count_in_no_total(tmp_path: Path) -> None:
    releases = [
        _release(1, "2025-01-01T00:00:00Z", 1000),
        _release(2, "2025-01-02T00:00:00Z", -5_000_000),
        _release(3, "2025-01-03T00:00:00Z", "Infinity"),
        _release(4, "2025-01-04T00:00:00Z", 1e300),
    ]
    text = json.dumps({"releases": releases}).replace('"Infinity"', "Infinity")  # as a hostile file writes it
    path = write(tmp_path / "values.json", text.encode())
    result = ingest(
        tmp_path,
        "procurement",
        path,
        values="select ocid, value_gbp, value_problems from notices order by 1",
        total="select sum(value_gbp) from procurements",
    )
    assert balanced(result) == [[str(path), "loaded", 4, 4, 0, 0]]
    assert [row[:2] for row in result["values"]] == [
        ["ocds-x-1", "1000.00"],
        ["ocds-x-2", None],
        ["ocds-x-3", None],
        ["ocds-x-4", None],
    ]
    assert [row[2] for row in result["values"]] == [
        None,
        "tender.value amount -5000000 is negative: left out of totals",
        "tender.value amount inf is not a finite number: left out of totals",
        "tender.value amount 1E+300 is too large to be a real value: left out of totals",
    ]
    assert result["total"] == [["1000.00"]]
    assert [(issue[1], issue[3]) for issue in result["issues"]] == [
        (row, values[2]) for row, values in zip((2, 3, 4), result["values"][1:], strict=True)
    ]


def test_one_release_with_its_date_written_two_ways_is_one_notice_and_a_duplicate(tmp_path: Path) -> None:
    """The same release (ocid, id, instant) from two sources that write its date differently ('Z', '.000Z',
    '+01:00' for the same instant) is loaded once and counted once as a duplicate; before, it failed the build's
    check of unique notices. A different instant is another release."""
    releases = [
        _release(1, "2025-03-01T10:00:00Z"),
        _release(1, "2025-03-01T10:00:00.000Z"),
        _release(1, "2025-03-01T11:00:00+01:00"),
        _release(1, "2025-03-02T10:00:00Z"),
    ]
    path = write(tmp_path / "twice.json", json.dumps({"releases": releases}).encode())
    result = ingest(tmp_path, "procurement", path, notices="select ocid, release_date from notices order by 2")
    assert balanced(result) == [[str(path), "loaded", 4, 2, 2, 0]]
    assert [row[1][:10] for row in result["notices"]] == ["2025-03-01", "2025-03-02"]


@pytest.mark.parametrize(
    ("amount", "value", "problem"),
    [
        ("1,250,000", "1250000.00", None),
        ("50,00", None, "amount '50,00' has commas that do not group thousands, so its value is uncertain"),
        ("1,5", None, "amount '1,5' has commas that do not group thousands, so its value is uncertain"),
        (1500.5, "1500.50", None),
    ],
)
def test_an_ocds_amount_with_commas_out_of_threes_counts_in_no_total(amount, value, problem) -> None:
    """'50,00' is a decimal comma or a typing error, not £5,000: left out of totals, with why."""
    from loti_demand.normalise.ocds_values import money_problem, parse_money

    money = {"amount": amount, "currency": "GBP"}
    assert (str(parse_money(money)) if parse_money(money) is not None else None, money_problem(money)) == (
        value,
        problem,
    )


@pytest.mark.slow
def test_a_release_with_a_description_of_megabytes_loads(tmp_path: Path) -> None:
    """A 16 MB description is within the limit of one JSON value (32 MB): the release loads. Before, the replacement
    model copied the text once per month of its window and ran DuckDB out of memory."""
    release = _release(1, "2025-01-01T00:00:00Z")
    release["tender"]["description"] = " ".join(f"word{i}" for i in range(1_500_000))
    release["tender"]["tenderPeriod"] = {"startDate": "2025-03-01", "endDate": "2025-04-01"}
    path = write(tmp_path / "long.json", json.dumps({"releases": [release]}).encode())
    # 16 MB of text is copied a few times over (the release, its notice, its search words): more address space
    result = ingest(tmp_path, "procurement", path, address_space=6 << 30, notices="select ocid from notices")
    assert balanced(result) == [[str(path), "loaded", 1, 1, 0, 0]] and result["notices"] == [["ocds-x-1"]]


def test_a_notice_date_that_is_no_date_is_left_out_and_named(tmp_path: Path) -> None:
    """A tender's end '2025-02-30' or '23/04/2025' is no OCDS date: left out (as before), and now named in
    value_problems and load_issues as a date out of range is, not dropped without a word."""
    releases = [_release(1, "2025-01-01T00:00:00Z"), _release(2, "2025-01-02T00:00:00Z"), _release(3, "2025-01-03")]
    releases[0]["tender"]["tenderPeriod"] = {"endDate": "2025-02-30T12:00:00Z"}
    releases[1]["tender"]["tenderPeriod"] = {"endDate": "23/04/2025"}
    releases[2]["tender"]["tenderPeriod"] = {"endDate": "2025-04-23", "startDate": ""}
    path = write(tmp_path / "dates.json", json.dumps({"releases": releases}).encode())
    result = ingest(tmp_path, "procurement", path, values="select ocid, value_problems from notices order by 1")
    assert balanced(result) == [[str(path), "loaded", 3, 3, 0, 0]]
    assert [row[1] for row in result["values"]] == [
        "tender.tenderPeriod.endDate date '2025-02-30T12:00:00Z' is not a date (OCDS writes 2025-04-23T09:00:00Z): "
        "left out",
        "tender.tenderPeriod.endDate date '23/04/2025' is not a date (OCDS writes 2025-04-23T09:00:00Z): left out",
        None,
    ]
    assert [issue[1] for issue in result["issues"]] == [1, 2]


def test_dates_outside_the_window_are_quarantined_and_never_move_the_data_as_of_date(tmp_path: Path) -> None:
    releases = [
        _release(1, "2025-01-01T00:00:00Z"),
        _release(2, "9999-12-31T23:59:59-01:00"),
        _release(3, "2099-06-01T00:00:00Z"),
    ]
    ocds = write(tmp_path / "dates.json", json.dumps({"releases": releases}).encode())
    result = ingest(tmp_path, "procurement", ocds, as_of="select data_as_of from build_info")
    assert balanced(result) == [[str(ocds), "loaded", 3, 1, 0, 2]]
    assert result["as_of"] == [["2025-01-01"]]
    assert [issue[3].split(" is outside")[0] for issue in result["issues"]] == [
        "release date 9999-12-31",
        "release date 2099-06-01",
    ]

    # Payments: 2099 is outside the window; a date inside it but far ahead of the bulk (one line in 2,000) is
    # loaded yet does not move the date the data runs to.
    lines = [f"{1 + i % 28:02d}/05/2025,Supplier {i},500,X,{i}" for i in range(2000)]
    spend = write(
        tmp_path / "dates.csv", spend_csv(*lines, "01/06/2027,Ahead Ltd,500,X,A", "01/01/2099,Typo Ltd,500,X,T")
    )
    result = ingest(tmp_path, "spend", spend, as_of="select spend_as_of, data_as_of from build_info")
    assert balanced(result) == [[str(spend), "loaded", 2002, 2001, 0, 1]]
    assert result["as_of"] == [["2025-05-28", "2025-05-28"]]
    [(_, row, column, problem)] = result["issues"]
    assert (row, column) == (2003, "payment_date") and problem.startswith("date is outside the years accepted")


@pytest.mark.slow
def test_the_cap_stops_a_reader_that_would_hold_a_gigabyte(tmp_path: Path) -> None:
    """The harness itself: with the archive budget switched off in the child, the zip bomb exhausts the capped
    address space (MemoryError) instead of being refused, so the tests above would catch such a regression."""
    bomb = write(tmp_path / "bomb.zip", zip_repeated("payments.csv", SPEND_HEADER, b"0" * (1 << 20), 1100))
    done = run_child(tmp_path, "spend", (bomb,), unbudgeted=True)
    assert done.returncode != 0 and "MemoryError" in done.stderr, done.stdout + done.stderr[-2000:]
