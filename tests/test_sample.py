"""The synthetic sample: deterministic, complete, readable by every reader, classified as intended."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from loti_demand import sample
from loti_demand.exceptions import LotiDemandError
from loti_demand.normalise.dates import parse_date
from loti_demand.normalise.money import parse_amount
from loti_demand.normalise.suppliers import is_redacted
from loti_demand.normalise.taxonomy import Classifier
from loti_demand.reference import Reference
from loti_demand.sources.challenges import CHALLENGE_FIELDS, read_challenges
from loti_demand.sources.council_spend import read_spend
from loti_demand.sources.ocds import read_ocds

PROJECT = Path(__file__).resolve().parent.parent
COMMITTED = PROJECT / "data" / "sample"
REFERENCE = PROJECT / "data" / "reference"


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def table_rows(table) -> list[dict[str, object]]:
    """The lines of a SpendTable as dicts, whether the reader streams batches or holds columns."""
    batches = list(table.batches()) if hasattr(table, "batches") else [table.rows]
    if batches and hasattr(batches[0], "to_pylist"):  # Arrow batches
        return [row for batch in batches for row in batch.to_pylist()]
    return [{k: v[i] for k, v in batch.items()} for batch in batches for i in range(len(batch["source_row"]))]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("sample") / "sample"
    return out, sample.generate(out, reference_dir=REFERENCE)


@pytest.fixture(scope="module")
def spend_tables(generated) -> list[tuple[Path, object, list[dict[str, object]]]]:
    """Every generated spend table read back once: (file, table, lines)."""
    root, _ = generated
    tables = []
    for path in sorted(p for p in (root / "spend").rglob("*") if p.is_file()):
        tables += [(path, table, table_rows(table)) for table in read_spend(path)]
    return tables


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.from_reference(Reference(REFERENCE))


def test_generation_is_byte_for_byte_deterministic(generated, tmp_path: Path) -> None:
    first, _ = generated
    second = tmp_path / "again"
    sample.generate(second, reference_dir=REFERENCE)
    assert digests(first) == digests(second)


def test_committed_sample_equals_a_fresh_generation(generated) -> None:
    """data/sample is generated, never edited: regenerate with `python -m loti_demand sample`."""
    fresh, _ = generated
    assert (COMMITTED / sample.MARKER).is_file(), "data/sample is missing: run `python -m loti_demand sample`"
    assert digests(COMMITTED) == digests(fresh)


def test_every_borough_and_every_layout_is_present(generated) -> None:
    root, counts = generated
    boroughs = sample.load_boroughs(REFERENCE, sample.DEFAULT_SEED)
    folders = {p.name for p in (root / "spend").iterdir() if p.is_dir()}
    bodies = {b.slug: b.layout for b in sample.load_bodies()}
    assert bodies == {"greater-london-authority": "sap-gla", "transport-for-london": "sap-tfl"}
    assert folders == {b.slug for b in boroughs} | set(bodies) and len(folders) == 35
    assert all(any((root / "spend" / slug).iterdir()) for slug in folders)
    assert Counter(b.layout for b in boroughs) == Counter({"preamble": 7, "lga": 7, "bom": 7, "xlsx": 6, "cp1252": 6})
    assert tuple(sample.LAYOUTS) == sample.LAYOUT_NAMES + sample.BODY_LAYOUT_NAMES
    suffixes = {p.suffix for p in (root / "spend").rglob("*") if p.is_file()}
    assert suffixes == {".csv", ".xlsx", ".zip"}
    assert counts["spend_files"] == sum(1 for p in (root / "spend").rglob("*") if p.is_file())
    assert 200 * 105 <= counts["spend_lines"] <= 320 * 105  # 33 boroughs and 2 bodies over 3 years
    assert 200 <= counts["procurement_processes"] <= 240 and counts["challenges_lines"] == 40


def test_every_spend_file_reads_back_with_the_layout_detected(generated, spend_tables) -> None:
    _, counts = generated
    layouts = {b.slug: b.layout for b in sample.load_boroughs(REFERENCE, sample.DEFAULT_SEED) + sample.load_bodies()}
    expected = {
        "preamble": ("utf-8", range(7, 11)),
        "bom": ("utf-8-sig", [1]),
        "cp1252": ("cp1252", [1]),
        "lga": ("utf-8", [1]),
        "xlsx": (None, [3]),
        "sap-gla": ("cp1252", [7]),
        "sap-tfl": ("utf-8", [1]),
    }
    seen: Counter[str] = Counter()
    lines = 0
    for path, table, rows in spend_tables:
        layout = layouts[path.parent.name]
        seen[layout] += 1
        lines += sum(1 for r in rows if r["supplier_name"] or r["payment_date"])
        assert {"payment_date", "supplier_name", "amount"} <= set(table.mapping), path
        assert table.encoding == expected[layout][0], path
        assert table.header_row in expected[layout][1], path
    assert set(seen) == set(sample.LAYOUT_NAMES + sample.BODY_LAYOUT_NAMES)
    assert lines == counts["spend_lines"]


def test_bom_grand_total_equals_the_sum_of_its_lines(spend_tables) -> None:
    checked = 0
    for path, _, rows in spend_tables:
        if not path.name.startswith("SpendingOver500_"):
            continue
        totals = [r for r in rows if not r["supplier_name"] and not r["payment_date"] and r["amount"]]
        assert len(totals) == 1 and rows[-1] is totals[0], path
        lines = [Decimal(str(r["amount"]).replace(",", "").strip()) for r in rows if r is not totals[0]]
        assert Decimal(str(totals[0]["amount"]).replace(",", "").strip()) == sum(lines), path
        checked += 1
    assert checked == 7 * 12


def test_transaction_numbers_are_unique_within_a_borough_but_for_the_repeats(spend_tables) -> None:
    numbers: dict[str, Counter[str]] = {}
    for path, _, rows in spend_tables:
        folder = path.parent.name
        numbers.setdefault(folder, Counter()).update(str(r["transaction_id"]) for r in rows if r["transaction_id"])
    repeated = {folder: sum(n - 1 for n in counter.values()) for folder, counter in numbers.items()}
    assert sorted(n for n in repeated.values() if n) == [sample.REPEATED_LINES] * 2
    layouts = {b.slug: b.layout for b in sample.load_boroughs(REFERENCE, sample.DEFAULT_SEED) + sample.load_bodies()}
    assert {folder for folder in layouts if layouts[folder] != "preamble"} == {f for f, c in numbers.items() if c}


def test_spend_values_parse_apart_from_the_deliberate_faults(spend_tables) -> None:
    lines = [row for _, _, rows in spend_tables for row in rows if row["supplier_name"] or row["payment_date"]]
    bad_amounts = [row for row in lines if parse_amount(row["amount"]) is None]
    assert {row["amount"] for row in bad_amounts} == {"TBC"}
    assert 3 <= len(bad_amounts) <= 20  # about half of the one-in-1,500 faulty lines
    bad_dates = [row for row in lines if parse_date(row["payment_date"]) is None]
    assert all("31" in str(row["payment_date"]) for row in bad_dates) and len(bad_dates) >= 3


@pytest.mark.parametrize("layout", sample.LAYOUT_NAMES + sample.BODY_LAYOUT_NAMES)
def test_expense_labels_and_purposes_classify_as_intended(classifier: Classifier, layout: str) -> None:
    """Tech wording lands in its category (the ProClass code decides in 'lga'); the rest is not tech."""
    for expense in (*sample.TECH_TYPES, *sample.NON_TECH_TYPES):
        label, code = expense.proclass if layout == "lga" else (None, None)
        intended = expense.category_in(layout)
        for text in expense.labels:
            for published in (text, text.upper()):
                got = classifier.classify_spend(published, None, code, label)[0]
                assert got == intended, (layout, published, got)
        for template in expense.purposes:
            for system in sample.SYSTEMS:
                text = template.format(
                    period="Apr 2024",
                    system=system,
                    team=sample.TEAMS[len(system) % 8],
                    project=sample.PROJECTS[len(system) % 6],
                )
                assert classifier.classify_spend(None, text, code, label)[0] == intended, (layout, text)


def test_proclass_table_matches_the_rules(classifier: Classifier) -> None:
    for code, category in sample.PROCLASS_CATEGORIES.items():
        assert classifier.classify_spend(None, None, code)[0] == category


TRADE_WORDS = re.compile(
    r"\b(software|it|telecom|computers?|computing|hosting|networks?|iot|cyber|analytics)\b", re.IGNORECASE
)


def test_fictional_suppliers_trip_no_supplier_rule_and_are_not_redacted(classifier: Classifier) -> None:
    """No fictional name matches a real vendor's rule; only names that state a tech trade ('... Software
    Ltd', '... IT Services', '... Hosting Ltd', '... IoT Ltd', '... Cyber Ltd', '... Analytics Ltd') trip the
    generic name-pattern rules."""
    suppliers = [s for group in sample.build_suppliers(sample.DEFAULT_SEED).values() for s in group]
    assert len(suppliers) == 181
    for supplier in suppliers:
        for style in sample.NAME_STYLES:
            name = sample.supplier_spelling(supplier, style)
            category, reason = classifier.classify_spend(None, None, None, None, name)
            if TRADE_WORDS.search(name):
                assert category is not None, name
            else:
                assert (category, reason) == (None, None), name
            assert not is_redacted(name), name
    assert all(is_redacted(name) for name in sample.REDACTED_NAMES)


def test_procurement_subjects_classify_as_stated(classifier: Classifier) -> None:
    for subject in (*sample.TECH_SUBJECTS, *sample.NON_TECH_SUBJECTS):
        assert classifier.classify_cpv(subject.cpv)[0] == subject.tech_category, subject.cpv


def test_procurement_packages_read_back_with_processes_spread_over_releases(generated) -> None:
    root, counts = generated
    releases = []
    for path in sorted((root / "procurement").glob("*.json")):
        (package,) = read_ocds(path)
        items = list(package.releases)  # streamed: the format is known once the file has been read
        assert package.detected_format == "release-package" and package.package["version"] == "1.1"
        assert all(item.problem is None for item in items)
        releases += [item.release for item in items]
    assert len(releases) == counts["procurement_releases"]
    assert len({r["id"] for r in releases}) == len(releases)
    by_ocid = Counter(r["ocid"] for r in releases)
    assert len(by_ocid) == counts["procurement_processes"]
    assert sum(1 for n in by_ocid.values() if n > 1) >= 40
    files_per_ocid: dict[str, set[str]] = {}
    for path in sorted((root / "procurement").glob("*.json")):
        for release in json.loads(path.read_text(encoding="utf-8"))["releases"]:
            files_per_ocid.setdefault(release["ocid"], set()).add(path.name)
    assert sum(1 for files in files_per_ocid.values() if len(files) > 1) >= 10
    ends = {r["ocid"]: a["contractPeriod"]["endDate"][:10] for r in releases for a in r.get("awards", [])}
    expiring = [end for end in ends.values() if "2026-04-01" <= end <= "2029-12-31"]
    assert 50 <= len(expiring) <= 70
    assert all("2025-01-01" <= r["date"][:10] <= "2026-03-31" for r in releases)


def test_challenges_read_back_and_link_to_sample_procurements(generated) -> None:
    root, _ = generated
    (challenges,) = read_challenges(root / "challenges" / "challenges.csv")
    rows = [row for _, row in challenges.rows]
    with (root / "challenges" / "challenges.csv").open(encoding="utf-8", newline="") as fh:
        assert tuple(next(csv.reader(fh))) == CHALLENGE_FIELDS
    assert len(rows) == 40 and len({r["id"] for r in rows}) == 40
    assert sum(";" in str(r["boroughs"]) for r in rows) == sample.MULTI_BOROUGH_CHALLENGES
    ocids = {
        r["ocid"]
        for path in (root / "procurement").glob("*.json")
        for r in json.loads(path.read_text(encoding="utf-8"))["releases"]
    }
    linked = [r for r in rows if r["outcome_ocid"]]
    assert len(linked) == sample.LINKED_CHALLENGES and all(r["outcome_ocid"] in ocids for r in linked)
    assert all(r["status"] == "awarded" and r["tech_category"] for r in linked)
    for row in rows:
        assert row["opens_on"] < row["closes_on"]
        if row["status"] == "open":
            assert "2026-04-01" <= str(row["closes_on"]) <= "2026-09-30"


def test_generate_refuses_a_folder_that_is_not_a_sample(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("real work", encoding="utf-8")
    with pytest.raises(LotiDemandError, match="not a sample folder"):
        sample.generate(tmp_path, reference_dir=REFERENCE)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "real work"


def test_the_sample_at_scale_reads_back_line_for_line_with_its_challenges(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from loti_demand.cli import cli
    from loti_demand.sample.scale import LAYOUTS, ScaleParams, generate_scaled

    out = tmp_path / "scale"
    result = CliRunner().invoke(
        cli, ["sample", "--out", str(out), "--lines", "2000", "--releases", "50", "--months", "12"]
    )
    assert result.exit_code == 0, result.output
    data = generate_scaled(out, ScaleParams(2000, 50, months=12))
    assert data.reused and data.spend_lines == 2000 and set(data.files_by_layout) == set(LAYOUTS)
    assert f"spend_lines: 2,000\n  spend_lines_repeated: {data.repeated_lines}\n" in result.output
    tables = [table for path in sorted((out / "spend").glob("*/*.csv")) for table in read_spend(path)]
    assert len(tables) == sum(data.files_by_layout.values())
    read = sum(len(table_rows(table)) for table in tables)
    totals = data.files_by_layout["bom"]  # each BOM file ends with an unlabelled grand total
    assert read == data.spend_lines + data.repeated_lines + totals
    assert digests(out / "challenges") == digests(COMMITTED / "challenges"), "the sample's own challenges"
    assert (
        sum(len(list(package.releases)) for path in (out / "procurement").glob("*.json") for package in read_ocds(path))
        == 50
    )


def test_the_sample_at_scale_refuses_a_folder_that_is_not_a_sample(tmp_path: Path) -> None:
    from loti_demand.sample.scale import ScaleParams, generate_scaled

    (tmp_path / "notes.txt").write_text("real work", encoding="utf-8")
    with pytest.raises(LotiDemandError, match="not a sample folder"):
        generate_scaled(tmp_path, ScaleParams(100, 0, months=1))
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "real work"
