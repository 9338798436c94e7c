"""Challenge statements: the open standard (JSON Schema + CSV template), reading, validation, loading,
the validate command, and the challenge -> procurement links."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from loti_demand.cli import cli
from loti_demand.exceptions import InputFileError
from loti_demand.normalise import challenge_matching as matching
from loti_demand.normalise.challenges import ChallengeRules, location, to_standard, validate_challenge, validate_rows
from loti_demand.reference import Reference
from loti_demand.sources.challenges import CHALLENGE_FIELDS, read_challenges
from loti_demand.validate import validate_challenge_file
from loti_demand.warehouse.build import add_files, build, run_checks
from loti_demand.warehouse.db import connect

PROJECT = Path(__file__).resolve().parent.parent
REFERENCE = PROJECT / "data" / "reference"
SCHEMA = json.loads((REFERENCE / "challenge.schema.json").read_text(encoding="utf-8"))
TEMPLATE = REFERENCE / "challenges_template.csv"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "challenges"
MIXED = FIXTURES / "challenges_mixed.csv"
SAMPLE_CHALLENGES = PROJECT / "data" / "sample" / "challenges" / "challenges.csv"


@pytest.fixture(scope="module")
def rules() -> ChallengeRules:
    return ChallengeRules.from_reference(Reference())


def good(**changes: str | None) -> dict[str, str | None]:
    row: dict[str, str | None] = {
        "id": "camden-2025-01",
        "title": "Spot damp early",
        "statement": "Sensors to find damp in homes",
        "boroughs": "Camden",
        "theme": "Housing",
        "status": "open",
        "opens_on": "2025-03-01",
        "closes_on": "2025-06-30",
        "budget_gbp": "50000",
        "url": "https://example.org/c",
        "contact": None,
        "tech_category": None,
        "outcome_ocid": None,
    }
    row.update(changes)
    return row


# --- the validator, one rule at a time -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "column", "expected"),
    [
        ({"title": None}, "title", "title is missing"),
        ({"title": "   "}, "title", "title is missing"),
        ({"id": None}, "id", "id is missing"),
        ({"statement": ""}, "statement", "statement is missing"),
        ({"boroughs": "Atlantis"}, "boroughs", "'Atlantis' is not a London borough"),
        ({"boroughs": "Camden;Mertn"}, "boroughs", "'Mertn' (did you mean Merton?) is not a London borough"),
        ({"boroughs": " ; "}, "boroughs", "boroughs is missing"),
        ({"closes_on": "2025-02-01"}, "closes_on", "closes_on 2025-02-01 is before opens_on 2025-03-01"),
        (
            {"opens_on": "01/03/2025"},
            "opens_on",
            "opens_on '01/03/2025' is not a date written YYYY-MM-DD (did you mean 2025-03-01?)",
        ),
        ({"closes_on": "2025-02-30"}, "closes_on", "closes_on '2025-02-30' is not a date written YYYY-MM-DD"),
        ({"closes_on": "2025-06-30T12:00"}, "closes_on", "is not a date written YYYY-MM-DD"),
        ({"opens_on": "0202-03-01"}, "opens_on", "opens_on 0202-03-01 is not a plausible date (check the year)"),
        ({"status": "pending"}, "status", "status 'pending' is not open, closed or awarded"),
        ({"status": None}, "status", "status is missing"),
        ({"budget_gbp": "TBC"}, "budget_gbp", "budget_gbp 'TBC' is not an amount in pounds"),
        ({"budget_gbp": "-5"}, "budget_gbp", "budget_gbp -5 is negative"),
        ({"budget_gbp": "50,00"}, "budget_gbp", "budget_gbp '50,00' is not an amount in pounds"),  # not £5,000
        ({"url": "www.example.org"}, "url", "is not a web address starting https://"),
        ({"outcome_ocid": "12345"}, "outcome_ocid", "is not an OCDS ocid"),
        ({"tech_category": "blockchain"}, "tech_category", "tech_category 'blockchain' is not in the taxonomy"),
        ({"tech_category": "Data and analytics"}, "tech_category", "use the code data_analytics"),
    ],
)
def test_each_rule_gives_one_problem_naming_its_column(rules, changes, column, expected) -> None:
    result = validate_challenge(good(**changes), rules)
    assert [p.column for p in result.problems] == [column]
    assert expected in result.problems[0].message


def test_a_valid_row_is_normalised(rules) -> None:
    result = validate_challenge(
        good(
            status="Open", budget_gbp="£50,000.50", boroughs="LB Camden; E09000024;Camden", title="  Spot   damp early "
        ),
        rules,
    )
    assert result.is_valid, result.problems
    assert result.borough_codes == ["E09000007", "E09000024"]  # aliases and codes resolve; repeats once
    assert result.row["status"] == "open"
    assert result.row["budget_gbp"] == "50000.50"
    assert result.row["title"] == "Spot damp early"


def test_all_of_a_rows_problems_make_one_message_naming_each_column(rules) -> None:
    rows = [(12, good(boroughs="Narnia", status="maybe", opens_on="2025-02-30", budget_gbp="TBC"))]
    ((number, result),) = validate_rows(rows, rules, "csv, utf-8")
    assert number == 12
    assert [p.column for p in result.problems] == ["boroughs", "status", "opens_on", "budget_gbp"]
    from loti_demand.normalise.challenges import combined_message

    message = combined_message(location("csv, utf-8", number), result.problems)
    assert message.startswith("line 12: boroughs: 'Narnia' is not a London borough")
    assert all(col in message for col in ("status", "opens_on", "budget_gbp"))


def test_an_id_repeated_in_one_file_is_a_problem_of_the_later_row(rules) -> None:
    results = validate_rows([(2, good()), (5, good(title="Other"))], rules, "csv, utf-8")
    assert results[0][1].is_valid
    assert results[1][1].problems[0].message == "id 'camden-2025-01' is already used by line 2 (ids must be unique)"


@pytest.mark.parametrize(
    ("fmt", "number", "where"),
    [
        ("csv, utf-8", 4, "line 4"),
        ("xlsx, sheet 'Challenges'", 4, "row 4"),
        ("json", 4, "challenge 4 in the JSON array (index 3)"),
    ],
)
def test_rows_are_located_as_the_publisher_sees_them(fmt, number, where) -> None:
    assert location(fmt, number) == where


# --- tech category: given, checked, or inferred with its reason ------------------------------------------


def test_a_given_tech_category_is_kept(rules) -> None:
    row = validate_challenge(good(tech_category="data_analytics"), rules).row
    assert (row["tech_category"], row["tech_category_reason"]) == ("data_analytics", "given by the publisher")


@pytest.mark.parametrize(
    ("title", "statement", "category", "reason"),
    [
        (
            "Air quality near schools",
            "We want air quality sensors outside every primary school",
            "smart_city_iot",
            'inferred: the statement mentions "air quality sensors"',
        ),
        (
            "Cyber resilience for schools",
            "Affordable help for head teachers",
            "cyber_security",
            'inferred: the title mentions "Cyber"',
        ),
        (
            "Fewer missed bins",
            "Collection crews cannot see which streets were missed",
            None,
            "not inferred: no technology keyword in the title or statement",
        ),
    ],
)
def test_tech_category_is_inferred_from_the_title_then_the_statement(rules, title, statement, category, reason) -> None:
    row = validate_challenge(good(title=title, statement=statement), rules).row
    assert (row["tech_category"], row["tech_category_reason"]) == (category, reason)


def test_an_exclusion_only_vetoes_the_words_it_covers(rules) -> None:
    text = [("statement", "Residents ask about data protection. We want smart sensors on bins.")]
    assert rules.classifier.classify_text(text)[0] == "smart_city_iot"
    assert rules.classifier.classify_text([("statement", "A carers network for the borough")]) == (None, None)


# --- reading CSV, JSON and XLSX ----------------------------------------------------------------------------


def test_csv_rows_are_numbered_by_the_line_they_start_on() -> None:
    (file,) = read_challenges(MIXED)
    numbers = [n for n, _ in file.rows]
    assert numbers == [2, 4, 5, 6, 7, 9, 10, 11, 12]  # row 1 spans lines 2-3; line 8 is blank
    assert file.rows[0][1]["statement"].startswith("Tenants report damp and mould too late.\nWe want")


def test_csv_headings_are_matched_loosely_and_own_columns_are_kept_with_x_(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "ID,Title,Statement,Boroughs,Theme,Status,Opens on,closes-on,Budget GBP,URL,x_notes\n"
        "a-1,T,S,Camden,Housing,open,2025-01-01,2025-02-01,,,internal\n",
        encoding="utf-8",
    )
    ((number, row),) = read_challenges(path)[0].rows
    assert number == 2 and row["opens_on"] == "2025-01-01" and row["closes_on"] == "2025-02-01"
    assert "x_notes" not in row


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("id,title,statement,boroughs,status", "is missing the columns theme, opens_on, closes_on, budget_gbp, url"),
        (",".join(CHALLENGE_FIELDS) + ",tech_categry", "tech_categry (did you mean tech_category?)"),
        (",".join(CHALLENGE_FIELDS) + ",title", "repeats the column title"),
    ],
)
def test_a_header_that_does_not_follow_the_standard_rejects_the_file(tmp_path: Path, header, expected) -> None:
    path = tmp_path / "c.csv"
    path.write_text(header + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"challenges_template\.csv") as caught:
        read_challenges(path)
    assert expected in str(caught.value)


def test_a_csv_line_with_an_unquoted_comma_is_one_problem(rules, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        ",".join(CHALLENGE_FIELDS) + "\n"
        "a-1,T,Text, with a comma,Camden,Housing,open,,,,,,,x\n"
        "a-2,T,Text,Camden,Housing,open,,,,,,,,\n",
        encoding="utf-8",
    )  # an empty extra cell is fine
    (file,) = read_challenges(path)
    results = validate_rows(file.rows, rules, file.detected_format)
    assert [p.message for p in results[0][1].problems] == [
        "line 2 has 14 cells but the header has 13 columns (put text that contains commas in double quotes)"
    ]
    assert results[1][1].is_valid


def test_json_items_are_checked_against_the_schema(rules, tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    items = [
        {
            "id": "camden-1",
            "title": "Damp",
            "statement": "S",
            "boroughs": ["Camden", "E09000024"],
            "status": "open",
            "budget_gbp": 50000,
            "x_internal": "kept out",
        },
        {
            "id": "camden-2",
            "title": "T",
            "statement": "S",
            "boroughs": "Camden",
            "status": "open",
            "budget_gbp": "£50k",
            "close_on": "2025-01-01",
        },
        "not an object",
    ]
    path.write_text(json.dumps({"publisher": "Camden", "challenges": items}), encoding="utf-8")
    (file,) = read_challenges(path)
    assert file.detected_format == "json"
    results = validate_rows(file.rows, rules, file.detected_format)
    assert results[0][1].is_valid and results[0][1].borough_codes == ["E09000007", "E09000024"]
    messages = [p.message for p in results[1][1].problems]
    assert any("budget_gbp" in m for m in messages)
    assert "close_on (did you mean closes_on?) is not a field of the challenge standard" in " ".join(messages)
    assert [p.message for p in results[2][1].problems] == ["this item is text, not an object with the challenge fields"]


def test_a_bare_json_array_is_accepted_and_broken_json_is_a_clear_file_error(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"id": "a"}]), encoding="utf-8")
    assert len(read_challenges(path)[0].rows) == 1
    path.write_text('{"challenges": [', encoding="utf-8")
    with pytest.raises(InputFileError, match="is not valid JSON"):
        read_challenges(path)
    path.write_text('[{"id": "a", "budget_gbp": ' + "9" * 5000 + "}]", encoding="utf-8")
    with pytest.raises(InputFileError, match="holds a number with thousands of digits"):
        read_challenges(path)


def write_workbook(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Read me"
    book.active["A1"] = "Notes for publishers"
    sheet = book.create_sheet("Challenges")
    sheet.append(
        ["id", "title", "statement", "boroughs", "theme", "status", "opens_on", "closes_on", "budget_gbp", "url"]
    )
    sheet.append(
        [
            101,
            "Cyber resilience",
            "Penetration testing for schools",
            "Hackney;Islington",
            "Education",
            "open",
            dt.datetime(2025, 3, 1),
            dt.date(2025, 6, 30),
            25000.0,
            "https://example.org/x",
        ]
    )
    sheet.append([])
    sheet.append([102, "Bad date", "S", "Hackney", "Education", "open", "2025-13-01", None, None, None])
    book.save(path)


def test_xlsx_uses_the_challenges_sheet_and_spreadsheet_row_numbers(rules, tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    write_workbook(path)
    report = validate_challenge_file(path)
    assert report.detected_format == "xlsx, sheet 'Challenges'"
    ((number, valid),) = report.valid
    assert number == 2
    assert (valid.row["id"], valid.row["opens_on"], valid.row["budget_gbp"]) == ("101", "2025-03-01", "25000.00")
    assert report.messages() == ["row 4: opens_on '2025-13-01' is not a date written YYYY-MM-DD"]


def test_a_file_that_is_not_a_workbook_is_a_clear_file_error(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    path.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputFileError, match="is not a readable XLSX workbook"):
        read_challenges(path)
    other = tmp_path / "c.pdf"
    other.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputFileError, match="not a CSV, JSON or XLSX file"):
        read_challenges(other)


# --- the open standard: JSON Schema, template and documentation agree ----------------------------------


def test_schema_fields_template_and_reader_agree() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    challenge = SCHEMA["$defs"]["challenge"]
    assert tuple(challenge["properties"]) == CHALLENGE_FIELDS
    with TEMPLATE.open(encoding="utf-8", newline="") as fh:
        assert tuple(next(csv.reader(fh))) == CHALLENGE_FIELDS
    with (REFERENCE / "tech_categories.csv").open(encoding="utf-8", newline="") as fh:
        codes = [r["tech_category"] for r in csv.DictReader(fh)]
    assert challenge["properties"]["tech_category"]["enum"] == [*codes, None]
    assert all(p.get("description") for p in challenge["properties"].values())
    readme = (REFERENCE / "README.md").read_text(encoding="utf-8")
    assert all(f"`{f}`" in readme for f in CHALLENGE_FIELDS), "every field is documented in data/reference"


def standard_items(path: Path) -> list[dict]:
    rules = ChallengeRules.from_reference(Reference())
    (file,) = read_challenges(path)
    results = validate_rows(file.rows, rules, file.detected_format)
    return [to_standard(r.row, r.borough_codes) for _, r in results if r.is_valid]


def schema_errors(document: object) -> list[str]:
    validator = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [e.message for e in validator.iter_errors(document)]


def test_the_schema_accepts_the_template_and_the_valid_fixture_rows() -> None:
    items = standard_items(TEMPLATE) + standard_items(MIXED)
    assert len(items) == 3
    assert schema_errors({"challenges": items}) == []
    assert schema_errors(items) == []


def test_the_schema_accepts_the_sample_challenges() -> None:
    items = standard_items(SAMPLE_CHALLENGES)
    assert len(items) == 40
    assert schema_errors({"challenges": items}) == []


def test_the_sample_challenges_validate_and_inference_agrees_with_the_publishers(rules) -> None:
    report = validate_challenge_file(SAMPLE_CHALLENGES)
    assert (len(report.valid), len(report.invalid)) == (40, 0)
    with SAMPLE_CHALLENGES.open(encoding="utf-8", newline="") as fh:
        given = [r for r in csv.DictReader(fh) if r["tech_category"]]
    inferred = [
        rules.classifier.classify_text([("title", r["title"]), ("statement", r["statement"])])[0] for r in given
    ]
    assert len(given) >= 10
    assert sum(i == r["tech_category"] for i, r in zip(inferred, given, strict=True)) / len(given) >= 0.8
    blanks = [r for _, r in report.valid if r.row["tech_category_reason"] != "given by the publisher"]
    assert sum(r.row["tech_category"] is not None for r in blanks) / len(blanks) >= 0.6


@pytest.mark.parametrize(
    "broken",
    [
        {"title": None},
        {"status": "pending"},
        {"opens_on": "01/03/2025"},
        {"closes_on": "2025-02-30"},
        {"budget_gbp": "£50k"},
        {"boroughs": []},
        {"close_on": "2025-01-01"},
        {"outcome_ocid": "12345"},
        {"tech_category": "blockchain"},
        {"url": "www.example.org"},
    ],
)
def test_the_schema_rejects_a_broken_challenge(broken) -> None:
    item = standard_items(TEMPLATE)[0]
    item.update(broken)
    item = {k: v for k, v in item.items() if v is not None or k != "title"}
    assert schema_errors({"challenges": [item]}), f"{broken} was accepted"


# --- loading: counts, load_issues, boroughs, accounting ----------------------------------------------------


@pytest.fixture
def mixed_warehouse(data_dir: Path, tmp_path: Path) -> Path:
    shutil.copy(MIXED, data_dir / "challenges" / "challenges_mixed.csv")  # replaces the small fixture
    warehouse = tmp_path / "w.duckdb"
    build(data_dir, warehouse)
    return warehouse


def test_a_mixed_file_loads_valid_rows_and_lists_one_issue_per_bad_row(mixed_warehouse: Path) -> None:
    con = connect(mixed_warehouse, read_only=True)
    assert con.execute("select challenge_id from challenges order by 1").fetchall() == [
        ("camden-2025-01",),
        ("hackney-2025-01",),
    ]
    issues = con.execute(
        "select source_row, column_name, problem from load_issues "
        "where source_file like 'challenges/%' order by source_row"
    ).fetchall()
    assert [r[0] for r in issues] == [5, 6, 7, 9, 10, 11, 12]  # one per bad row, by CSV line
    assert issues[0][1:] == (
        "id",
        "line 5: id is missing (give each challenge an id that is unique London-wide, such as camden-2025-01)",
    )
    assert issues[1][2] == "line 6: title is missing"
    assert "unknown" not in issues[2][2] and "'Atlantis' is not a London borough" in issues[2][2]
    assert issues[3][2] == "line 9: closes_on 2025-05-01 is before opens_on 2025-06-01"
    assert "closes_on '31/07/2025' is not a date written YYYY-MM-DD (did you mean 2025-07-31?)" in issues[4][2]
    assert issues[5][2] == "line 11: status 'pending' is not open, closed or awarded"
    assert issues[6][1] == "boroughs, status, opens_on, budget_gbp"
    files = con.execute(
        "select lines_read, rows_loaded, rows_duplicate, rows_quarantined from source_files where kind = 'challenges'"
    ).fetchall()
    assert files == [(9, 2, 0, 7)]
    assert run_checks(con) == []


def test_a_multi_borough_challenge_appears_under_each_borough(mixed_warehouse: Path) -> None:
    con = connect(mixed_warehouse, read_only=True)
    rows = con.execute(
        "select borough_code, position from challenge_boroughs where challenge_id = 'camden-2025-01' order by position"
    ).fetchall()
    assert rows == [("E09000007", 1), ("E09000024", 2)]  # Camden listed twice (name and code) counts once
    for code in ("E09000007", "E09000024"):
        found = con.execute(
            "select c.challenge_id from challenges c join challenge_boroughs b using (challenge_id)"
            " where b.borough_code = $c",
            {"c": code},
        ).fetchall()
        assert ("camden-2025-01",) in found


def test_a_republished_challenge_replaces_the_earlier_version(mixed_warehouse: Path, tmp_path: Path) -> None:
    update = tmp_path / "camden-update.csv"
    update.write_text(
        ",".join(CHALLENGE_FIELDS) + "\n"
        "camden-2025-01,Spot damp and mould early,Statement,Camden;Merton,Housing,awarded,"
        "2025-03-01,2025-06-30,50000,,,,\n"
        "hackney-2025-01,Same id from another borough,Statement,Sutton,Housing,open,,,,,,,\n",
        encoding="utf-8",
    )
    report = add_files(mixed_warehouse, "challenges", [update])
    assert report.counts["challenges"] == 2
    con = connect(mixed_warehouse, read_only=True)
    assert con.execute("select status from challenges where challenge_id = 'camden-2025-01'").fetchall() == [
        ("awarded",)
    ]
    files = dict(
        con.execute(
            "select path, [rows_loaded, rows_duplicate, rows_quarantined] from source_files where kind = 'challenges'"
        ).fetchall()
    )
    assert files["challenges/challenges_mixed.csv"] == [1, 1, 7]
    assert files[str(update)] == [1, 0, 1]
    clash = con.execute("select problem from load_issues where source_file = $f", {"f": str(update)}).fetchall()
    assert clash[0][0].startswith(
        "line 3: id 'hackney-2025-01' is already used by challenges/challenges_mixed.csv "
        "line 4 for Hackney (ids must be unique London-wide"
    )
    assert run_checks(con) == []


# --- the validate command -----------------------------------------------------------------------------------


def test_validate_reports_counts_and_messages_and_exits_1(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(tmp_path / "never.duckdb"))
    result = CliRunner().invoke(cli, ["validate", "challenges", str(MIXED)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{MIXED} (csv, utf-8): 9 rows, 2 valid, 7 invalid"
    assert [ln.split(":")[0].strip() for ln in lines[1:]] == [f"line {n}" for n in (5, 6, 7, 9, 10, 11, 12)]
    assert "1 of 1 file(s) need fixing." in result.stderr
    assert list(tmp_path.iterdir()) == []  # it only reports: no warehouse is written


def test_validate_exits_0_for_a_valid_file_and_shows_the_inferred_category() -> None:
    result = CliRunner().invoke(cli, ["validate", "challenges", "--show-valid", str(TEMPLATE)])
    assert result.exit_code == 0, result.output
    assert "1 row, 1 valid, 0 invalid" in result.stdout
    assert "ok line 2: camden-2025-01 'Spot damp and mould in council homes early' (Camden, Merton)" in result.stdout


def test_validate_names_an_unreadable_file_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,title\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "challenges", str(path), str(TEMPLATE)])
    assert result.exit_code == 1
    assert "c.csv: is missing the columns statement, boroughs" in result.stderr
    assert "1 row, 1 valid, 0 invalid" in result.stdout  # the other file is still checked
    assert "Traceback" not in result.output


def test_ingest_challenges_loads_json_and_xlsx(tmp_path: Path) -> None:
    book = tmp_path / "c.xlsx"
    write_workbook(book)
    doc = tmp_path / "c.json"
    doc.write_text(
        json.dumps([to_standard({"id": "a-1", "title": "T", "statement": "S", "status": "open"}, ["E09000001"])]),
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    result = CliRunner().invoke(cli, ["ingest", "challenges", "--warehouse", str(warehouse), str(book), str(doc)])
    assert result.exit_code == 0, result.output
    assert "challenges: 2" in result.stdout and "challenges rejected: 1" in result.stdout
    assert result.stdout.endswith(
        "rows not loaded (see load_issues):\n    row 4: opens_on '2025-13-01' is not a date written YYYY-MM-DD\n"
    )


# --- challenge -> procurement -------------------------------------------------------------------------------


def test_similarity_explains_itself() -> None:
    sim = matching.similarity(
        "Replace the housing management system",
        "Our housing repairs system is old",
        "Housing management system replacement",
        "A new housing management system",
    )
    assert sim.basis == "title" and sim.score >= matching.THRESHOLD
    assert {"housing", "management", "system"} <= set(sim.shared)
    assert matching.is_suggestion(sim)
    unrelated = matching.similarity("Fewer missed bins", "Crews miss streets", "Housing management system", None)
    assert not matching.is_suggestion(unrelated)
    reason = matching.match_reason("Camden", "Software and licences", sim, 3)
    assert reason.startswith(
        f"same borough (Camden), same category (Software and licences), title similarity {sim.score}% (shared words: "
    )
    assert reason.endswith("first notice published 3 months after the challenge opened")


@pytest.mark.parametrize(
    ("start", "later", "months"),
    [
        ("2025-01-15", "2025-01-31", 0),
        ("2025-01-15", "2025-02-14", 0),
        ("2025-01-15", "2025-02-15", 1),
        ("2024-11-30", "2025-04-01", 4),
    ],
)
def test_months_after(start, later, months) -> None:
    assert matching.months_after(dt.date.fromisoformat(start), dt.date.fromisoformat(later)) == months


def test_challenge_outcomes_are_explicit_or_suggested_with_reasons(data_dir: Path, tmp_path: Path) -> None:
    # The fixture notices: Camden's housing management system (software), first published 2025-04-01;
    # Kent's road resurfacing (not tech).
    (data_dir / "challenges" / "challenges_mixed.csv").write_text(
        ",".join(CHALLENGE_FIELDS) + "\n"
        "camden-1,Replace the housing management system,Our housing management system is slow,Camden,Housing,"
        "closed,2025-01-10,2025-02-28,,,,software,\n"
        "camden-2,Housing management system ideas,Too late: the notice came first,Camden,Housing,closed,"
        "2025-05-01,,,,,software,\n"
        "camden-3,Housing management system in Merton,Wrong borough,Merton,Housing,closed,2025-01-10,,,,,software,\n"
        "kent-1,Roads,Named by the publisher,Camden,Highways,awarded,2025-01-01,,,,,,ocds-b5fd17-aaaa\n"
        "gone-1,Old challenge,Its procurement is not loaded,Camden,Housing,awarded,2020-01-01,,,,,,"
        "ocds-zzzzzz-404\n",
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    build(data_dir, warehouse)
    con = connect(warehouse, read_only=True)
    outcomes = con.execute(
        "select challenge_id, ocid, match_type, score, reason, is_in_warehouse "
        "from challenge_outcomes order by challenge_id"
    ).fetchall()
    assert [(r[0], r[1], r[2], r[5]) for r in outcomes] == [
        ("camden-1", "ocds-h6vhtk-000001", "suggested", True),
        ("gone-1", "ocds-zzzzzz-404", "explicit", False),
        ("kent-1", "ocds-b5fd17-aaaa", "explicit", True),
    ]
    suggested = outcomes[0]
    assert suggested[3] >= matching.THRESHOLD
    assert suggested[4].startswith("same borough (Camden), same category (Software and licences), ")
    assert suggested[4].endswith("first notice published 2 months after the challenge opened")
    assert outcomes[1][4] == (
        "named by the borough in its challenge statement; the procurement is not in the warehouse"
    )
    assert run_checks(con) == []


# --- property tests: any text gives problems, never an exception --------------------------------------------


def _field(*likely: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), st.text(max_size=40), *likely)


_DATES = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)
ROWS = st.fixed_dictionaries(
    {
        "id": _field(st.from_regex(r"[a-z]+-[0-9]{1,3}", fullmatch=True)),
        "title": _field(st.just("Spot damp early")),
        "statement": _field(st.just("Air quality sensors in homes")),
        "boroughs": _field(
            st.lists(st.sampled_from(["Camden", "LB Merton", "E09000033", "Gotham"]), min_size=1, max_size=3).map(
                ";".join
            )
        ),
        "theme": _field(),
        "status": _field(st.sampled_from(["open", "Closed", "awarded", "pending"])),
        "opens_on": _field(_DATES),
        "closes_on": _field(_DATES),
        "budget_gbp": _field(st.decimals(-10, 10**7, places=2, allow_nan=False).map(str)),
        "url": _field(st.just("https://example.org/x")),
        "contact": _field(),
        "tech_category": _field(st.sampled_from(["software", "blockchain"])),
        "outcome_ocid": _field(st.just("ocds-b5fd17-aaaa")),
    }
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ROWS)
def test_the_validator_never_raises_and_names_real_columns(rules, raw) -> None:
    result = validate_challenge(raw, rules)
    assert {p.column for p in result.problems} <= {*CHALLENGE_FIELDS, ""}
    assert result.is_valid == (not result.problems)
    if result.is_valid:
        assert result.row["id"] and result.row["title"] and result.borough_codes


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_the_csv_reader_reads_or_rejects_any_text_with_a_message(tmp_path_factory, text) -> None:
    path = tmp_path_factory.mktemp("csv") / "c.csv"
    path.write_text(",".join(CHALLENGE_FIELDS) + "\n" + text, encoding="utf-8")
    try:
        (file,) = read_challenges(path)
    except InputFileError as exc:
        assert str(exc).startswith(str(path))
        return
    assert all(number >= 2 for number, _ in file.rows)
    assert [n for n, _ in file.rows] == sorted({n for n, _ in file.rows})


# --- real challenge texts (NCSC, DASA and Innovate UK KTN, scraped to Turtle by pivotlabs-vc) ----------------


def real_challenges(name: str) -> list[tuple[str, str]]:
    """(title, text) of each challenge in a pivotlabs Turtle file: just enough Turtle for these files."""
    import re

    from tests.conftest import real_file

    text = real_file(f"challenges/pivotlabs_innovation_graph_{name}.ttl").read_text(encoding="utf-8")
    literal = r'(?:"""(.*?)"""|"((?:[^"\\]|\\.)*)")'
    found = []
    for block in re.split(r"\n(?=<http://pivotlabs\.vc/innov/challenge/)", text):
        if "innov/t/challenge>" not in block:
            continue
        title, comment = (re.search(rf"{key} {literal}", block, re.S) for key in ("ns1:title", "rdfs:comment"))
        found.append(
            (
                (title.group(1) or title.group(2)) if title else "",
                (comment.group(1) or comment.group(2)) if comment else "",
            )
        )
    return found


def test_tech_category_inference_on_real_challenge_texts(rules) -> None:
    ncsc, ktn = real_challenges("ncsc"), real_challenges("ktn")
    assert (len(ncsc), len(ktn)) == (12, 673)
    results = {
        name: [(t, s, *rules.classifier.classify_text([("title", t), ("statement", s)])) for t, s in items]
        for name, items in (("ncsc", ncsc), ("ktn", ktn))
    }
    for title, statement, category, reason in results["ncsc"] + results["ktn"]:
        if category:  # the reason quotes words that are really in the challenge
            quoted = reason.split('"')[1]
            assert quoted.lower() in (title + " " + statement).lower(), reason
    ncsc_cyber = sum(r[2] == "cyber_security" for r in results["ncsc"])
    assert ncsc_cyber >= 6, "the National Cyber Security Centre's challenges are mostly cyber security"
    # Innovate UK KTN calls are mostly not IT: long texts must not be pulled into a category by stray words.
    assert sum(r[2] is not None for r in results["ktn"]) / len(ktn) < 0.10


def test_a_nul_byte_in_a_challenges_file_is_named_by_its_line(tmp_path: Path) -> None:
    """The hostile-input review: a challenges CSV holding one NUL byte was 'not a text CSV file', with no line."""
    path = tmp_path / "challenges.csv"
    path.write_bytes(",".join(CHALLENGE_FIELDS).encode() + b"\nc-1,Damp\x00 sensors\n")
    with pytest.raises(InputFileError, match="NUL byte at line 2, character 9"):
        read_challenges(path)
