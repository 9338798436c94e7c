"""A column classing the payee by its trade (a card scheme's merchant category, a business directory's Thomson
classification, a supplier type) is evidence about the supplier, not about what a payment bought: a brewery may be
classed as a 'Computer Software Store', an IT firm may be paid an apprenticeship grant. The lines below have the
shapes of real files: Wakefield's and Calderdale's purchase-card files (merchant category beside the cardholder's
purpose or expense type) and Sheffield's payments file (a Thomson classification beside the expense code)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from loti_demand.normalise.line_columns import is_trade_column
from loti_demand.normalise.taxonomy import Classifier
from loti_demand.normalise.tech_decisions import combine
from loti_demand.reference import Reference
from loti_demand.warehouse.build import build
from loti_demand.warehouse.db import connect

WAKEFIELD = (
    "Service: CHILDYOU | Bvacopse(T): Children's and Education Services | Purpose Of Spend: {purpose} | "
    "Type: Revenue | Merchant Category: {merchant} | TT: GPC | Contract: Not yet available"
)
SHEFFIELD = (
    "Organisational Unit: {unit} | Business Unit Description: {business_unit} | Expense Code Description: {expense} | "
    "Thomson Classification Description: {thomson}"
)


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.from_reference(Reference())


@pytest.mark.parametrize(
    ("header", "trade"),
    [
        ("Merchant Category", True),
        ("Merchant Category Group", True),
        ("MCC Description", True),
        ("Thomson Classification Description", True),
        ("Supplier Category", True),
        ("VendorType", True),
        ("Creditor Trade Classification", True),
        ("Nature of Business", True),
        ("SIC Description", True),
        ("Merchant Name", False),  # the payee's name, not its trade
        ("Expense Type", False),
        ("Category", False),
        ("Procurement Classification", False),  # ProClass: the council's class of the purchase
        ("Service Type", False),
    ],
)
def test_trade_columns_are_told_by_their_header(header: str, trade: bool) -> None:
    assert is_trade_column(header) is trade


@pytest.mark.parametrize(
    ("descriptions", "expected"),
    [
        # a card file: the cardholder's purpose says something else, so the shop's class only suggests...
        (WAKEFIELD.format(purpose="Holidays & Outings", merchant="COMPUTER SOFTWARE STORES"), ("software", "low")),
        (
            WAKEFIELD.format(purpose="Purchase of Food & Drink", merchant="COMPUTER SOFTWARE STORES"),
            ("software", "low"),
        ),
        # ...a purpose that names only a kind of cost ('Subscriptions', 'Equipment') leaves it to decide (medium)...
        (WAKEFIELD.format(purpose="Subscriptions", merchant="COMPUTER SOFTWARE STORES"), ("software", "medium")),
        (
            WAKEFIELD.format(purpose="Equipment", merchant="COMPUTERS, COMPUTER PERIPHERAL EQUIPMENT, SOFTWARE"),
            ("software", "medium"),
        ),
        # ...and a purpose that says technology decides, whatever the shop's class
        (WAKEFIELD.format(purpose="Computer Equipment", merchant="ELECTRONIC SALES"), ("devices", "high")),
        # a payments file: fees paid from an apprenticeship grant to a firm classed as computer consultants
        (
            SHEFFIELD.format(
                unit="CA LEP", business_unit="APPRENTICE GRANT", expense="FEE EXPENSES", thomson="COMPUTER CONSULTANTS"
            ),
            ("it_services", "low"),
        ),
        # the expense code decides; where it says only 'computers', the firm's class names the field
        (
            SHEFFIELD.format(
                unit="PLACE",
                business_unit="CAR PARKING MANAGEMENT",
                expense="COMPUTER PURCHASES",
                thomson="COMPUTER SYSTEMS & SOFTWARE (D",
            ),
            ("software", "high"),
        ),
        # a general heading says nothing of what was bought: the firm's class decides
        (
            SHEFFIELD.format(
                unit="POLICY PERFORMANCE AND COMMS",
                business_unit="ELECTORAL REGISTRATION",
                expense="MISCELLANEOUS EXPENSES",
                thomson="COMPUTER SYSTEMS & SOFTWARE (D",
            ),
            ("software", "medium"),
        ),
        # the buying unit is IT and the firm is a telecoms firm: they agree
        (
            SHEFFIELD.format(
                unit="RESOURCES",
                business_unit="ICT SERVICES",
                expense="FEE EXPENSES",
                thomson="TELECOMMUNICATION SERVICES",
            ),
            ("networks_telecoms", "medium"),
        ),
        # a file whose only description is the merchant category
        ("Merchant Category: Computer Software Stores", ("software", "medium")),
        ("Merchant Category: Eating Places", (None, None)),
        # what the line bought still vetoes technology
        ("Expense Type: Stationery | Merchant Category: Computer Software Stores", (None, None)),
    ],
)
def test_the_payees_trade_is_evidence_about_the_supplier(
    classifier: Classifier, descriptions: str, expected: tuple
) -> None:
    decision = classifier.classify_line(descriptions)
    assert (decision.tech_category, decision.confidence) == expected
    if decision.confidence in ("medium", "low"):
        assert decision.method == "supplier trade"
        assert "the supplier's trade, " in decision.reason  # and it names the column
        assert ("Merchant Category" in decision.reason) or ("Thomson Classification Description" in decision.reason)


def test_a_supplier_known_for_technology_agrees_with_its_trade(classifier: Classifier) -> None:
    line = WAKEFIELD.format(purpose="Birthday Allowance", merchant="TELECOM INCL PREPAID/RECURRING PHONE SVCS")
    text = classifier.classify_line(line)
    assert (text.tech_category, text.confidence) == ("networks_telecoms", "low")
    category, reason, confidence, method = combine(text, classifier.classify_supplier("VODAFONE LTD"))
    assert (category, confidence, method) == ("networks_telecoms", "medium", "supplier list")
    assert "Vodafone" in reason
    assert combine(text, classifier.classify_supplier("TOP GIFT OUTLET NO. 3"))[2] == "low"


def test_the_build_counts_a_trade_alone_as_tech_only_where_nothing_says_what_was_bought(tmp_path: Path) -> None:
    data = tmp_path / "data"
    card = data / "spend" / "camden"
    card.mkdir(parents=True)
    (card / "2022-08-card.csv").write_text(
        "Transaction Date,Supplier Name,Net Amount,Merchant Category,Merchant Category Group,Expense Area,"
        "Expense Type\n"
        "2022-07-05,Signable,119.00,Computer Software Stores,Computer Equipment & Services,Economy,"
        "Equipment Furniture And Materials\n"
        "2022-07-06,Ossett Brewery,28.99,Computer Software Stores,Computer Equipment & Services,Culture,"
        "Food And Drink\n"
        "2022-07-07,Costa Coffee,6.20,Fast Food Restaurants,Restaurants And Bars,Children,Miscellaneous Expenses\n",
        encoding="utf-8",
    )
    merchant_only = data / "spend" / "barnet"
    merchant_only.mkdir(parents=True)
    (merchant_only / "2022-01-card.csv").write_text(
        "Transaction Date,Merchant Name,Amount,Merchant Category\n"
        "2022-01-10,Lumen5.com,97.84,Computer Software Stores\n"
        "2022-01-11,Reel Cinema,8.00,Motion Picture Theaters\n",
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    build(data, warehouse)
    con = connect(warehouse, read_only=True)
    got = con.execute(
        "select supplier_name, tech_category, possible_tech_category, classification_confidence, "
        "classification_method, classification_reason, amount_gbp from spend order by payment_date"
    ).fetchall()
    assert [g[:5] for g in got] == [
        ("Lumen5.com", "software", None, "medium", "supplier trade"),
        ("Reel Cinema", None, None, None, None),
        ("Signable", "software", None, "medium", "supplier trade"),
        ("Ossett Brewery", None, "software", "low", "supplier trade"),
        ("Costa Coffee", None, None, None, None),
    ]
    assert "Merchant Category 'Computer Software Stores'" in got[2][5]
    assert "Expense Type 'Food And Drink', does not say technology" in got[3][5]
    # classification moves lines between categories, never in or out of the warehouse
    assert sum(g[6] for g in got) == Decimal("260.03")
