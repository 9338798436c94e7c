"""Reading OCDS files: every shape, streaming, malformed input, quarantine and accounting; the flattener."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loti_demand.exceptions import InputFileError
from loti_demand.normalise.notice_types import notice_type, stage
from loti_demand.normalise.ocds import flatten
from loti_demand.normalise.ocds_buyers import resolve_buyer
from loti_demand.normalise.taxonomy import Classifier
from loti_demand.normalise.text import repair_text
from loti_demand.reference import Reference
from loti_demand.sources.ocds import read_ocds
from loti_demand.warehouse.build import add_files, run_checks
from loti_demand.warehouse.db import connect

REF = Reference()
CLASSIFIER = Classifier(REF.table("tech_rules"))


def release(n: int, **extra: object) -> dict:
    return {
        "ocid": f"ocds-test-{n // 2}",
        "id": f"r{n}",
        "date": f"2025-0{1 + n % 9}-01T00:00:00Z",
        "tag": ["tender"],
        "buyer": {"id": "GB-LAC-E09000007", "name": "London Borough of Camden"},
        "tender": {"title": f"Notice {n}", "value": {"amount": 1000 + n, "currency": "GBP"}},
        **extra,
    }


def read(path: Path) -> tuple[str, list[tuple[int, int, str | None, str | None]]]:
    file = read_ocds(path)[0]
    items = [(i.position, i.line, i.ocid, i.problem) for i in file.releases]
    return file.detected_format, items


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return path


RELEASES = [release(1), release(2), release(3)]
OCIDS = ["ocds-test-0", "ocds-test-1", "ocds-test-1"]


@pytest.mark.parametrize(
    ("name", "text", "expected_format", "lines"),
    [
        (
            "package.json",
            json.dumps({"uri": "x", "version": "1.1", "releases": RELEASES}, indent=1),
            "release-package",
            [5, 24, 43],
        ),
        ("array.json", json.dumps(RELEASES), "release-array", [1, 1, 1]),
        ("lines.jsonl", "\n".join(json.dumps(r) for r in RELEASES) + "\n", "json-lines of release", [1, 2, 3]),
        ("blank-lines.jsonl", "\n\n".join(json.dumps(r) for r in RELEASES), "json-lines of release", [1, 3, 5]),
        ("concatenated.json", "".join(json.dumps(r) for r in RELEASES), "concatenated-json of release", [1, 1, 1]),
        (
            "packages.jsonl",
            "\n".join(json.dumps({"releases": [r]}) for r in RELEASES),
            "json-lines of release-package",
            [1, 2, 3],
        ),
        ("bom.json", "\ufeff" + json.dumps({"releases": RELEASES}), "release-package", [1, 1, 1]),
    ],
)
def test_every_shape_yields_every_release_in_order(tmp_path: Path, name, text, expected_format, lines) -> None:
    fmt, items = read(write(tmp_path, name, text))
    assert fmt == expected_format
    assert [i[2] for i in items] == OCIDS
    assert [i[0] for i in items] == [1, 2, 3]
    assert [i[1] for i in items] == lines
    assert all(i[3] is None for i in items)


def test_single_release_and_gzip(tmp_path: Path) -> None:
    assert read(write(tmp_path, "one.json", json.dumps(release(1), indent=2)))[0] == "release"
    packed = gzip.compress(json.dumps({"releases": RELEASES}).encode())
    fmt, items = read(write(tmp_path, "package.json.gz", packed))
    assert fmt == "gzip/release-package" and [i[2] for i in items] == OCIDS


def test_release_text_is_kept_as_published(tmp_path: Path) -> None:
    published = '{"ocid": "ocds-a", "id": "1", "date": "2025-01-01", "tender": {"value": {"amount": 1.10}}}'
    items = list(read_ocds(write(tmp_path, "p.json", '{"releases": [ ' + published + " ]}"))[0].releases)
    assert items[0].text == published


def test_record_package_embedded_linked_and_compiled(tmp_path: Path) -> None:
    package = {
        "records": [
            {"ocid": "ocds-test-0", "releases": [release(0), release(1)], "compiledRelease": release(1)},
            {
                "ocid": "ocds-test-5",
                "releases": [{"url": "https://example.org/r10.json", "date": "2025-01-01", "tag": ["tender"]}],
                "compiledRelease": release(10),
            },
            {"ocid": "ocds-test-9", "releases": [{"url": "https://example.org/r18.json"}]},
        ]
    }
    fmt, items = read(write(tmp_path, "records.json", json.dumps(package)))
    assert fmt == "record-package"
    assert [(i[0], i[2]) for i in items] == [(1, "ocds-test-0"), (2, "ocds-test-0"), (3, "ocds-test-5"), (4, None)]
    assert items[3][3].startswith("record has no embedded releases and no compiledRelease (item 4")


def test_items_that_are_not_releases_are_quarantined_with_a_reason(tmp_path: Path) -> None:
    items = [release(1), {"id": "x", "date": "2025-01-01"}, "text", release(2) | {"date": None}, 42, release(3)]
    _, read_items = read(write(tmp_path, "mixed.json", json.dumps({"releases": items}, indent=0)))
    problems = [i[3] for i in read_items]
    assert problems[0] is None and problems[5] is None
    assert problems[1] == "object has no ocid: not an OCDS release (item 2, line 22)"
    assert problems[2].startswith("item is a string, not an OCDS release object (item 3")
    assert problems[3].startswith("object has no date")
    assert problems[4].startswith("item is a number")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"releases": [\n{"ocid": "a", "id": "1", "date": "2025"},\n{"ocid": "b" "id": "2"}]}',
            "is not valid JSON at line 3, column 14: Expecting ',' delimiter",
        ),
        ('{"ocid": "a", "id": "1", "date": "2025"}\n{"ocid": "b", ', "is not valid JSON at line 2, column 15"),
        ('{"releases": [{"ocid": "a", "id": "1", "date": "2025"}', "expected ',' or ']' but the file ends"),
        ('{"releases": [ {"ocid": "x", ', "is not valid JSON at line 1"),
        ("", "is empty"),
        ('{"hello": "world"}', "is JSON but has no 'releases', 'records' or 'ocid'"),
        # the key is there, but not as a list (the hostile-input review: the message said it was missing)
        ('{"releases": {"ocid": "a"}}', "has no 'releases', 'records' or 'ocid' ('releases' is an object, not a list)"),
        ("42", "is JSON (item is a number, not an OCDS release object)"),
        # an integer Python will not convert (over 4,300 digits) is named, not an internal error
        (
            '{"releases": [\n{"ocid": "a", "id": "1", "date": "2025", "value": ' + "9" * 5000 + "}]}",
            "is not valid JSON at line 2, column 1: a number with thousands of digits",  # the release it is in
        ),
    ],
)
def test_malformed_files_are_refused_naming_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "bad.json", text)
    with pytest.raises(InputFileError, match=r"bad\.json") as caught:
        read(path)
    assert message in str(caught.value)


def test_non_utf8_names_the_byte(tmp_path: Path) -> None:
    path = write(tmp_path, "latin.json", '{"releases": [{"ocid": "caf\u00e9"}]}'.encode("latin-1"))
    with pytest.raises(InputFileError, match=r"is not UTF-8 \(byte 28\)"):
        read(path)


def test_truncated_gzip_is_unreadable(tmp_path: Path) -> None:
    packed = gzip.compress(json.dumps({"releases": RELEASES * 50}).encode())
    with pytest.raises(InputFileError, match="is not a readable gzip file"):
        read(write(tmp_path, "cut.json.gz", packed[: len(packed) // 2]))


def test_a_malformed_release_deep_in_a_large_file_is_located_exactly(tmp_path: Path) -> None:
    lines = [json.dumps(release(n)) for n in range(20_000)]
    lines[15_000] = lines[15_000].replace('"tag":', '"tag"')
    with pytest.raises(InputFileError, match=r"line 15001, column 8\d: expected ':'"):
        read(write(tmp_path, "big.jsonl", "\n".join(lines)))


def _big_package(path: Path, megabytes: int) -> int:
    """Write a release package of about `megabytes` MB; return the number of releases."""
    padding = "x" * 3000
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"uri": "https://example.org", "version": "1.1", "releases": [\n')
        n = 0
        while fh.tell() < megabytes * 1_000_000:
            fh.write(("," if n else "") + json.dumps(release(n, description=padding)) + "\n")
            n += 1
        fh.write("]}\n")
    return n


@pytest.mark.slow
def test_reading_a_50_mb_package_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    count = _big_package(path, 50)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        file = read_ocds(path)[0]
        seen = sum(1 for _ in file.releases)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count == file.lines_read
    assert peak < size / 5, f"peak {peak:,} bytes for a {size:,} byte file"


@pytest.mark.slow
def test_ingesting_a_50_mb_package_keeps_memory_bounded(tmp_path: Path) -> None:
    from loti_demand.warehouse import ingest
    from loti_demand.warehouse.db import MODELS_DIR, run_sql_file
    from loti_demand.warehouse.raw_writer import RawWriter

    path = tmp_path / "big.json"
    count = _big_package(path, 50)
    size = path.stat().st_size
    con = connect(tmp_path / "w.duckdb")
    run_sql_file(con, MODELS_DIR / "raw.sql")
    writer = RawWriter(con)
    warm_up = write(tmp_path, "small.json", json.dumps(release(1)))  # first loads import modules: not the file's cost
    ingest.ingest_file(writer, "procurement", warm_up)
    writer.flush()
    tracemalloc.start()
    try:
        ingest.ingest_file(writer, "procurement", path)
        writer.flush()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert con.execute("select count(*) from raw_ocds_releases").fetchall() == [(count + 1,)]
    assert peak < size / 2, f"peak {peak:,} bytes for a {size:,} byte file"  # bounded by FLUSH_BYTES, not the file


# Ingest: the accounting holds, quarantined items are issues, a malformed file loads nothing.


def test_quarantined_and_duplicate_releases_balance_per_file(tmp_path: Path) -> None:
    first = write(tmp_path, "a.json", json.dumps({"releases": [release(1), release(2), {"id": "no-ocid"}]}))
    second = write(tmp_path, "b.jsonl", json.dumps(release(2)) + "\n" + json.dumps(release(3)) + "\n[1, 2]\n")
    warehouse = tmp_path / "w.duckdb"
    report = add_files(warehouse, "procurement", [first, second])
    assert report.counts["notices"] == 3
    assert report.counts["notices duplicate"] == 1
    assert report.counts["notices quarantined"] == 3
    con = connect(warehouse, read_only=True)
    files = con.execute(
        "select path, detected_format, lines_read, rows_loaded, rows_duplicate, rows_quarantined "
        "from source_files order by path"
    ).fetchall()
    assert files == [
        (str(first), "release-package", 3, 2, 0, 1),
        (str(second), "json-lines of release+release-array", 4, 1, 1, 2),
    ]
    issues = con.execute(
        "select source_file, source_row, column_name, problem from load_issues order by 1, 2"
    ).fetchall()
    assert issues == [
        (str(first), 3, "release", "object has no ocid: not an OCDS release (item 3, line 1)"),
        (str(second), 3, "release", "item is a number, not an OCDS release object (item 3, line 3)"),
        (str(second), 4, "release", "item is a number, not an OCDS release object (item 4, line 3)"),
    ]
    assert run_checks(con) == []


def test_a_malformed_file_loads_nothing_even_with_skip_bad_files(tmp_path: Path, monkeypatch) -> None:
    from loti_demand.warehouse import raw_writer

    monkeypatch.setattr(raw_writer, "FLUSH_BYTES", 50_000)  # rows of the bad file are written before the error is met
    good = write(tmp_path, "good.json", json.dumps({"releases": [release(1)]}))
    lines = [json.dumps(release(n)) for n in range(5_000)] + ['{"ocid": "broken", ']
    bad = write(tmp_path, "bad.jsonl", "\n".join(lines))
    warehouse = tmp_path / "w.duckdb"
    with pytest.raises(InputFileError, match=r"bad.jsonl: is not valid JSON at line 5001"):
        add_files(warehouse, "procurement", [good, bad])
    assert not warehouse.exists()
    add_files(warehouse, "procurement", [good, bad], skip_bad_files=True)
    con = connect(warehouse, read_only=True)
    assert con.execute("select count(*) from raw_ocds_releases").fetchall() == [(1,)]  # none of bad.jsonl's 5,000
    assert con.execute("select path, status from source_files order by path").fetchall() == [
        (str(bad), "rejected"),
        (str(good), "loaded"),
    ]
    problem = con.execute("select problem from load_issues where source_file = $f", {"f": str(bad)}).fetchall()
    assert "line 5001" in problem[0][0]


def test_cli_ingest_procurement_prints_a_summary_per_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from loti_demand.cli import cli

    first = write(tmp_path, "a.json", json.dumps({"releases": [release(1), {"id": "no-ocid"}]}))
    second = write(tmp_path, "b.json.gz", gzip.compress(json.dumps(release(5)).encode()))
    result = CliRunner().invoke(
        cli, ["ingest", "procurement", "--warehouse", str(tmp_path / "w.duckdb"), str(first), str(second)]
    )
    assert result.exit_code == 0, result.output
    assert f"{first}: release-package, 2 read, 1 loaded, 0 duplicate, 1 quarantined" in result.output
    assert f"{second}: gzip/release, 1 read, 1 loaded, 0 duplicate, 0 quarantined" in result.output


# The flattener: table-driven classification, buyers, values, dates.


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        (
            {
                "tag": ["planning"],
                "planning": {
                    "documents": [{"id": "000001-2025", "noticeType": "UK1", "documentType": "pipelineNotice"}]
                },
            },
            ("UK1 pipeline", "noticeType UK1"),
        ),
        (
            {
                "id": "000002-2025",
                "tag": ["planning"],
                "planning": {"documents": [{"id": "000002-2025", "noticeType": "UK2"}]},
            },
            ("UK2 engagement", "noticeType UK2"),
        ),
        (
            {"tag": ["planning"], "planning": {"documents": [{"documentType": "plannedProcurementNotice"}]}},
            ("UK3 planned", "documentType plannedProcurementNotice"),
        ),
        (
            {"tag": ["tender"], "tender": {"documents": [{"documentType": "tenderNotice"}]}},
            ("UK4 tender", "documentType tenderNotice"),
        ),
        (
            {"tag": ["planning"], "planning": {"documents": [{"documentType": "marketEngagementNotice"}]}},
            ("UK2 engagement", "documentType marketEngagementNotice"),
        ),
        # a contract release still listing the tender notice is a contract notice
        (
            {"tag": ["contract"], "tender": {"documents": [{"documentType": "tenderNotice"}]}},
            ("contract", "tag contract"),
        ),
        # Find a Tender: the document whose id is the notice id wins, whatever the stage
        (
            {
                "id": "030500-2025",
                "tag": ["award", "contract"],
                "awards": [{"documents": [{"id": "030500-2025", "noticeType": "UK6"}]}],
            },
            ("award", "noticeType UK6"),
        ),
        (
            {"tag": ["planning"], "planning": {"milestones": [{"type": "engagement", "dueDate": "2025-06-01"}]}},
            ("UK2 engagement", "tag planning with an engagement milestone"),
        ),
        ({"tag": ["tenderCancellation"]}, ("termination", "tag tenderCancellation")),
        ({"tag": ["award"]}, ("award", "tag award")),
        ({"tag": ["planning"]}, (None, None)),
    ],
)
def test_notice_type_rules(rel: dict, expected: tuple) -> None:
    assert notice_type(rel) == expected


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ({"tag": ["planningUpdate"]}, "planning"),
        ({"tag": ["tender", "award"]}, "award"),
        ({"tag": "implementation"}, "contract"),
        ({"tag": ["compiled"], "awards": [{"id": "1"}]}, "award"),
        ({"tag": ["compiled"], "tender": {"status": "active"}}, "tender"),
        ({"tag": ["compiled"], "tender": {"status": "planned"}}, "planning"),
    ],
)
def test_stage_rules(rel: dict, expected: str) -> None:
    assert stage(rel) == expected


def _buyer_release(
    name: str, buyer_id: str = "GB-CFS-1", region: str | None = None, delivery: str | None = None, **identifier: str
) -> dict:
    party = {"id": buyer_id, "name": name, "roles": ["buyer"], "address": {"region": region} if region else {}}
    if identifier:
        party["identifier"] = identifier
    items = [{"deliveryAddresses": [{"region": delivery}]}] if delivery else []
    return {"buyer": {"id": buyer_id, "name": name}, "parties": [party], "tender": {"items": items}}


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        (
            _buyer_release("Anything", "GB-LAC-E09000003"),
            ("E09000003", True, "identifier GB-LAC-E09000003", "E09000003"),
        ),
        (
            _buyer_release("Barnet", scheme="GB-LAC", id="E09000003"),
            ("E09000003", True, "identifier GB-LAC-E09000003", "E09000003"),
        ),
        (
            _buyer_release("London Borough of Merton"),
            ("E09000024", True, "name 'London Borough of Merton'", "E09000024"),
        ),
        (_buyer_release("Merton Council"), ("E09000024", True, "name 'Merton Council'", "E09000024")),
        (
            _buyer_release("Royal Borough of Greenwich"),
            ("E09000011", True, "name 'Royal Borough of Greenwich'", "E09000011"),
        ),
        (_buyer_release("Transport for London"), (None, True, "London body 'Transport for London'", "TFL")),
        (_buyer_release("Greater London Authority"), (None, True, "London body 'Greater London Authority'", "GLA")),
        (_buyer_release("London Councils"), (None, True, "London body 'London Councils'", "LCOUNCILS")),
        (_buyer_release("Some London Trust", region="UKI32"), (None, True, "buyer region UKI32", None)),
        (_buyer_release("A national agency", delivery="London"), (None, True, "delivery region London", None)),
        (_buyer_release("Lancashire Constabulary", delivery="North West"), (None, False, None, None)),
        (_buyer_release("Hampshire County Council", region="UKJ36"), (None, False, None, None)),
    ],
)
def test_buyer_resolution(rel: dict, expected: tuple) -> None:
    assert resolve_buyer(rel, REF.alias_index, REF.london_body_code, in_area=REF.in_area) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Budget Â£4.5m", "Budget £4.5m"),
        ("framework.â€¯ The initial", "framework. The initial"),
        ("GP.rnrnThe objective", "GP. The objective"),
        ("Welcome portal:rnrnhttps://example.org", "Welcome portal: https://example.org"),
        ("information: rnEXPRESSION OF INTEREST", "information: EXPRESSION OF INTEREST"),
        ("modern return", "modern return"),
        ("Café", "Café"),
        ("  ", None),
    ],
)
def test_repair_text(text: str, expected: str | None) -> None:
    assert repair_text(text) == expected


def test_flatten_values_dates_and_sme() -> None:
    rel = {
        "ocid": "ocds-x",
        "id": "1",
        "date": "2025-04-23T23:59:59+01:00",
        "tag": ["award"],
        "buyer": {"id": "GB-LAC-E09000007", "name": "London Borough of Camden"},
        "tender": {
            "title": "Cloud hosting",
            "classification": {"scheme": "CPV", "id": "72415000"},
            "value": {"amount": "1,250.5", "currency": "GBP"},
            "suitability": {"sme": False},
            "lots": [{"suitability": {"sme": True}}],
            "contractPeriod": {"startDate": "2025-01-01", "endDate": "2026-12-31T23:59:59Z"},
        },
        "awards": [
            {
                "status": "active",
                "value": {"amount": 900, "currency": "GBP"},
                "suppliers": [{"name": "B Ltd"}],
                "contractPeriod": {"startDate": "2025-05-01", "endDate": "2027-04-30T23:59:59+01:00"},
            },
            {"status": "cancelled", "value": {"amount": 5000}, "suppliers": [{"name": "Gone Ltd"}]},
            {"status": "active", "value": {"amount": 100, "currency": "EUR"}, "suppliers": [{"name": "A Ltd"}]},
        ],
    }
    row = flatten(rel, REF.alias_index, CLASSIFIER.classify_cpv, REF.london_body_code, in_area=REF.in_area)
    assert row["release_date"] == dt.datetime(2025, 4, 23, 22, 59, 59)  # UTC
    assert row["value_gbp"] == Decimal("1250.50")
    assert row["award_value_gbp"] == Decimal("900.00")  # cancelled and non-GBP awards are not counted
    assert row["supplier_names"] == "A Ltd; B Ltd"
    assert (row["contract_start"], row["contract_end"]) == (dt.date(2025, 5, 1), dt.date(2027, 4, 30))
    assert row["is_sme_suitable"] is True
    assert row["tech_category"] == "cloud_hosting"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=12,
)
_keys = st.sampled_from(
    ["ocid", "id", "date", "tag", "buyer", "parties", "tender", "awards", "contracts", "planning", "title"]
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_keys, _json, max_size=8))
def test_flatten_never_raises_on_odd_json(rel: dict) -> None:
    row = flatten(rel, REF.alias_index, CLASSIFIER.classify_cpv, REF.london_body_code, in_area=REF.in_area)
    assert row["stage"] in {"planning", "tender", "award", "contract"}
