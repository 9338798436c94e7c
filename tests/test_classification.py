"""Tech classification of spend lines: measured against hand-labelled real lines, plus the rule semantics.

tests/labels/spend_tech_labels.csv holds path, line and category only (never the lines themselves): lines
of the real files in ../shared/data/real/spend, each labelled by a person reading the whole line (category,
purpose, ProClass code, supplier) with the taxonomy's descriptions in data/reference/tech_categories.csv,
or 'none'. Run `python -m pytest tests/test_classification.py -s` to see the figures and the misses.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from loti_demand.normalise.taxonomy import Classifier
from loti_demand.reference import Reference
from tests.conftest import REAL_SPEND_FOLDERS

LABELS = Path(__file__).resolve().parent / "labels" / "spend_tech_labels.csv"
CATEGORIES = {r["tech_category"] for r in Reference().table("tech_categories")}


def labels() -> list[dict[str, str]]:
    with LABELS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_label_file_is_a_real_sample() -> None:
    rows = labels()
    assert list(rows[0]) == ["path", "line", "category"]
    assert len(rows) >= 300
    assert len({(r["path"], r["line"]) for r in rows}) == len(rows)
    assert {r["category"] for r in rows} <= CATEGORIES | {"none"}
    files = {r["path"].split("!")[0].removeprefix("spend/") for r in rows}
    assert files == {name for names in REAL_SPEND_FOLDERS.values() for name in names}
    tech = Counter(r["category"] != "none" for r in rows)
    assert tech[True] >= 150 and tech[False] >= 150  # many tech lines, and many tricky non-tech ones


def warehouse_path(label_path: str) -> str:
    """'spend/x.csv' in the label file -> 'spend/<borough folder>/x.csv' in the test warehouse."""
    name = label_path.removeprefix("spend/")
    folder = next(f for f, names in REAL_SPEND_FOLDERS.items() if name.split("!")[0] in names)
    return f"spend/{folder}/{name}"


def test_precision_and_recall_on_hand_labelled_real_lines(real_spend_con) -> None:
    predicted = {(f, row): (cat or "none", reason) for f, row, cat, reason in real_spend_con.execute(
        "select source_file, source_row, tech_category, classification_reason from spend").fetchall()}
    tp = fp = fn = tn = exact = 0
    misses = []
    for label in labels():
        key = (warehouse_path(label["path"]), int(label["line"]))
        assert key in predicted, f"labelled line {key} is not a loaded line"
        got, reason = predicted[key]
        truth = label["category"]
        if truth != "none" and got != "none":
            tp += 1
            exact += truth == got
        elif truth == "none" and got != "none":
            fp += 1
            misses.append(f"  false positive {key}: {got} ({reason})")
        elif truth != "none":
            fn += 1
            misses.append(f"  missed {key}: labelled {truth}")
        else:
            tn += 1
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    exact_precision, exact_recall = exact / (tp + fp), exact / (tp + fn)
    print(f"\ntech vs not tech on {tp + fp + fn + tn} labelled lines: precision {precision:.3f}, recall {recall:.3f} "
          f"(tp {tp}, fp {fp}, fn {fn}, tn {tn})")
    print(f"category-exact: precision {exact_precision:.3f}, recall {exact_recall:.3f}")
    print("\n".join(misses))
    assert precision >= 0.95
    assert recall >= 0.90
    # The exact category is harder (a council heading such as 'IT Hardware - Scanners Printers MFD's' covers
    # several); hold the line at the figures measured for taxonomy 2026.2.
    assert exact_precision >= 0.88 and exact_recall >= 0.88


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.from_reference(Reference())


@pytest.mark.parametrize(("category", "purpose", "code", "expected"), [
    ("IT Software Maintenance", None, None, "software"),
    ("Telephones (Excl Mobiles & Smart Phones)", None, None, "networks_telecoms"),
    ("PHOTOCOPYING", None, None, "print_document"),
    ("Microfilming/CD ROM Data Transfer", None, None, "print_document"),
    (None, "IT MAINT SOFTWARE - PSTN Line Rental BT Qtr1 2026", None, "networks_telecoms"),
    (None, "IT PURCHASES - Lenovo # Thinkpad X13 Gen 2", None, "devices"),
    (None, "CAP PUR ICT H/W & S/ - MDM licences for iPads", None, "software"),
    # A ProClass ICT code makes the line tech; a specific keyword names the category more precisely.
    (None, "IT MAINT SOFTWARE", "271600", "software"),
    (None, "CAP PUR ICT H/W & S/ - Implementation of New Website", "271300", "digital_delivery"),
    (None, "IT MAINT SOFTWARE - Hosting Support and Maintenance 1 year", "271300", "cloud_hosting"),
    (None, "BOOKS PURCHASE", "271600", "software"),
    # Exclusions: the text says it is not tech, whatever ProClass or the words around it say.
    (None, "S Sacrifice Cash Adv", "271200", None),
    (None, "CONTRIB EXT PROJECTS", "271000", None),
    (None, "PROFESSIONAL FEES - Telephone Interpreter Arabic", None, None),
    (None, "IT MAINT SOFTWARE - STAR Meet the Buyer 2026 - refreshments", None, None),
    ("MOBILE TELECOMMUNICATION MAST", None, None, None),
    ("Learning Resources exc. IT Equipment", None, None, None),
    ("Care Spot - Private (3rd)", None, None, None),
    ("GAS - GENERAL", None, None, None),
])
def test_text_rules(classifier: Classifier, category, purpose, code, expected) -> None:
    assert classifier.classify_spend_text(category, purpose, code)[0] == expected


@pytest.mark.parametrize(("category", "supplier", "expected"), [
    ("Consultants Fees", "UNIT 4 BUSINESS SOFTWARE LTD", "software"),  # the text is silent: the supplier says
    ("Management Consultancy", "SOUTH WEST IT SOLUTIONS LTD", "it_services"),
    ("Equipment", "PARKEON/FLOWBIRD SMART CITY UK", "smart_city_iot"),
    ("Stationery", "RICOH UK LTD", None),  # paper is not print technology, whoever sells it
    ("Learning Resources exc. IT Equipment", "P C WORLD BUSINESS", None),
    ("Works", "NATIONAL GRID Telecoms Ltd", None),  # street works by a utility, not telecoms
    ("EXT RES CARE FEES", "Care Network Solutions Ltd", None),
    ("Management Consultancy", "SUMMIT COMPUTER RECRUITMENT LTD", None),
    ("Books & Publications", "FOSTERING NETWORK PUBLICATIONS", None),
])
def test_supplier_signals_only_when_the_text_is_silent(classifier: Classifier, category, supplier, expected) -> None:
    assert classifier.classify_spend(category, None, None, None, supplier)[0] == expected


def test_every_decision_names_its_rule(classifier: Classifier) -> None:
    category, reason = classifier.classify_spend("Consultants Fees", None, None, None, "ROCKET SOFTWARE UK LTD")
    assert category == "software" and reason.startswith("supplier 'ROCKET SOFTWARE UK LTD' is named as a technology "
                                                        "company")
    category, reason = classifier.classify_spend(None, "IT MAINT SOFTWARE", "271600")
    assert reason.startswith("ProClass 271600 matches 2716")


def test_a_generic_it_line_takes_a_specialist_suppliers_category(real_spend_con) -> None:
    rows = real_spend_con.execute(
        "select tech_category, classification_reason from spend "
        "where purpose = 'IT PURCHASES - Uniform managed service annual charge'").fetchall()
    assert rows and {r[0] for r in rows} == {"software"}
    assert all("IT purchases" in r[1] or "it (purchases" in r[1] for r in rows)
    assert all("IDOX" in r[1] for r in rows)
