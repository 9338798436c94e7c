"""Tech classification of spend lines: measured against hand-labelled real lines, plus the rule semantics.

tests/labels/spend_tech_labels.csv holds path, line and category only (never the lines themselves): lines
of the real files in ../shared/data/real/spend, each labelled by a person reading the whole line (category,
purpose, ProClass code, supplier) with the taxonomy's descriptions in data/reference/tech_categories.csv,
or 'none'. Run `python -m pytest tests/test_classification.py -s` to see the figures and the misses.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from loti_demand.normalise.taxonomy import Classifier
from loti_demand.normalise.tech_decisions import award_evidence
from loti_demand.queries.coverage import classification_coverage
from loti_demand.reference import Reference
from loti_demand.warehouse.build import build, run_checks
from loti_demand.warehouse.db import connect
from tests.conftest import PROJECT, REAL_SPEND_FOLDERS

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
    predicted = {
        (f, row): (cat or "none", reason)
        for f, row, cat, reason in real_spend_con.execute(
            "select source_file, source_row, tech_category, classification_reason from spend"
        ).fetchall()
    }
    tp = fp = fn = tn = exact = 0
    misses = []
    by_publisher: dict[str, Counter] = {}
    for label in labels():
        key = (warehouse_path(label["path"]), int(label["line"]))
        assert key in predicted, f"labelled line {key} is not a loaded line"
        got, reason = predicted[key]
        truth = label["category"]
        publisher = label["path"].removeprefix("spend/").split("_")[0].split("-")[0]
        by_publisher.setdefault(publisher, Counter())[
            "tp" if truth != "none" and got != "none" else "fp" if got != "none" else "fn" if truth != "none" else "tn"
        ] += 1
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
    print(
        f"\ntech vs not tech on {tp + fp + fn + tn} labelled lines: precision {precision:.3f}, recall {recall:.3f} "
        f"(tp {tp}, fp {fp}, fn {fn}, tn {tn})"
    )
    print(f"category-exact: precision {exact_precision:.3f}, recall {exact_recall:.3f}")
    for publisher, c in sorted(by_publisher.items()):
        rates = _rates(c)
        print(f"  {publisher:10} tech lines {c['tp'] + c['fn']:4}  precision {rates[0]:.3f}  recall {rates[1]:.3f}")
    print("\n".join(misses))
    assert precision >= 0.95
    assert recall >= 0.90
    # The exact category is harder (a council heading such as 'IT Hardware - Scanners Printers MFD's' covers
    # several); hold the line at the figures measured for taxonomy 2026.2.
    assert exact_precision >= 0.88 and exact_recall >= 0.88


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.from_reference(Reference())


@pytest.mark.parametrize(
    ("category", "purpose", "code", "expected"),
    [
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
        # A chart of accounts' own words for internet, phones, radio and IT (in capitals: the abbreviation).
        ("Internet Charges", None, None, "networks_telecoms"),
        ("Postage & Phones", None, None, "networks_telecoms"),
        ("Radio Equipment", None, None, "networks_telecoms"),
        ("Computer Data Network", None, None, "networks_telecoms"),
        ("IT Recharges", None, None, "ict_other"),
        ("I T Provision", None, None, "ict_other"),
        ("Mobilephone Charges", None, None, "networks_telecoms"),
        ("Data Links", None, None, "networks_telecoms"),
        ("Radio Charges", None, None, "networks_telecoms"),
        ("SUBSCRIPTIONS & PUBLICATIONS.TV/RADIO LICENCES", None, None, None),
        ("Computer Ins Premium", None, None, None),  # insuring computers is insurance
        ("I.T. Charges", None, None, "ict_other"),
        (None, "Internet advertising for the summer campaign", None, None),
        (None, "Refund as it was paid twice", None, None),  # the word 'it' is not IT
        ("C.I.T.Awaiting Payment", None, None, None),
        (None, "PROFESSIONAL FEES - ASC Translation via Phone", None, None),
        ("Two Way Radios", None, None, "networks_telecoms"),
        ("Landline Rental", None, None, "networks_telecoms"),
        ("Lines & Calls", None, None, "networks_telecoms"),
        ("Communications Equipment", None, None, "networks_telecoms"),
        ("Telecare Equipment", None, None, "smart_city_iot"),
        ("Vehicle Tracking", None, None, "smart_city_iot"),
        ("Anti Virus Renewal", None, None, "cyber_security"),
        ("Multi Functional Devices", None, None, "print_document"),
        ("Communications Officer", None, None, None),  # communications the job, not the equipment
        ("EXP - PURCHASE OF GOODS/SERVICES - ICT OUTSOURCING & MAINT/SUPPORT", None, None, "it_services"),  # OSCAR
        ("Intelligent Infrastructure", None, None, "smart_city_iot"),  # remote condition monitoring
        ("Intelligent Transport Systems", None, None, "smart_city_iot"),
        ("Domain Name Registration", None, None, "cloud_hosting"),
        ("Server Costs", None, None, "it_infrastructure"),
        ("Network Costs", None, None, "networks_telecoms"),
        ("Carers Network Costs", None, None, None),  # a people's network
        ("Information Systems", None, None, "ict_other"),
        ("IT Professional Services", None, None, "it_services"),
        ("Video Conferencing", None, None, "networks_telecoms"),
        ("Interactive Whiteboards", None, None, "devices"),
        ("PC Replacement", None, None, "devices"),
        (None, "One year membership to the Planning Jungle website", None, None),  # a membership, not a website
        # rules 2026.13: training headings and advertising airtime are not technology
        ("Short Courses", None, None, None),
        ("Training Short Courses", None, None, None),
        (None, "Course Fees", None, None),
        ("IT Skills Development", None, None, None),
        ("Radio TV Press Poster Cinema Airtime And Space", None, None, None),
        ("Water & Sewerage", "Water - Ripon Bus Station PCs", None, None),  # public conveniences' water bill
        ("Purchase of PCs", None, None, "devices"),
    ],
)
def test_text_rules(classifier: Classifier, category, purpose, code, expected) -> None:
    assert classifier.classify_spend_text(category, purpose, code)[0] == expected


@pytest.mark.parametrize(
    ("category", "supplier", "expected"),
    [
        ("Consultants Fees", "UNIT 4 BUSINESS SOFTWARE LTD", "software"),  # the text is silent: the supplier says
        ("Management Consultancy", "SOUTH WEST IT SOLUTIONS LTD", "it_services"),
        ("Equipment", "PARKEON/FLOWBIRD SMART CITY UK", "smart_city_iot"),
        ("Stationery", "RICOH UK LTD", None),  # paper is not print technology, whoever sells it
        ("Learning Resources exc. IT Equipment", "P C WORLD BUSINESS", None),
        ("Works", "NATIONAL GRID Telecoms Ltd", None),  # street works by a utility, not telecoms
        ("EXT RES CARE FEES", "Care Network Solutions Ltd", None),
        ("Management Consultancy", "SUMMIT COMPUTER RECRUITMENT LTD", None),
        ("Books & Publications", "FOSTERING NETWORK PUBLICATIONS", None),
        ("Equipment", "Akhter Computers", "devices"),  # a computer seller
        ("Equipment", "Key Computer Co Ltd", "devices"),  # a computer company's equipment (kind rules, 2026.26)
        ("Licences Purchase", "CDW Ltd", "software"),  # a reseller's licences are software (2026.36)
        # a college is no technology supplier by its name (a specialist school's "Computing"), only by its line's
        # own words (rules 2026.37, after a review on real files)
        ("Schools", "Cantell Maths & Computing College", None),
        ("IT Hardware - Scanners Printers MFD's", "Launceston College", "print_document"),
        ("Licences Purchase", "Acme Ltd", None),
        ("Supplies and Services", "Key Computer Co Ltd", "ict_other"),
        # rules 2026.12: computer services firms, telecoms trade words and information systems companies by name
        ("Other Hired And Contracted Services", "Compass Computer Consultants Ltd", "it_services"),
        ("Supplies and Services", "John Reed-Computing Services", "it_services"),
        ("Supplies and Services", "Future Voice And Data", "networks_telecoms"),
        ("Supplies and Services", "GETRONICS UNIFIED COMMUNICATIONS UK LIMITED", "networks_telecoms"),
        ("Supplies and Services", "FERRET INFORMATION SYSTEMS LTD", "software"),
        ("Service Fee", "SoftwareONE UK Ltd", "software"),  # 'software' run together with another word
        # rules 2026.26: a card statement is read for the merchant it paid, not the payment firm of its prefix
        ("Purchases", "PCARDZOOM.US", "software"),  # the council's card marker run together with the merchant
        ("Purchases", "WWW.ZOOM.US", "software"),
        ("Purchases", "SUMUP *ZOOM.US", "software"),  # SumUp alone is a payment processor, never tech
        ("Purchases", "SUMUP *CAFE", None),
        ("Purchases", "PAYPAL *WWW.UTILITA.CO.UK", None),
        ("Supplies and Services", "Library and Information Services Ltd", None),
    ],
)
def test_supplier_signals_only_when_the_text_is_silent(classifier: Classifier, category, supplier, expected) -> None:
    assert classifier.classify_spend(category, None, None, None, supplier)[0] == expected


def test_every_decision_names_its_rule(classifier: Classifier) -> None:
    category, reason = classifier.classify_spend("Consultants Fees", None, None, None, "ROCKET SOFTWARE UK LTD")
    assert category == "software" and reason.startswith(
        "supplier 'ROCKET SOFTWARE UK LTD' is named as a technology company"
    )
    category, reason = classifier.classify_spend(None, "IT MAINT SOFTWARE", "271600")
    assert reason.startswith("ProClass 271600 matches 2716")


def test_a_generic_it_line_takes_a_specialist_suppliers_category(real_spend_con) -> None:
    rows = real_spend_con.execute(
        "select tech_category, classification_reason from spend "
        "where purpose = 'IT PURCHASES - Uniform managed service annual charge'"
    ).fetchall()
    assert rows and {r[0] for r in rows} == {"software"}
    assert all("IT purchases" in r[1] or "it (purchases" in r[1] for r in rows)
    assert all("IDOX" in r[1] for r in rows)


# --- Reading the whole line -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("descriptions", "expected"),
    [
        # the column that says what was bought decides, wherever it is and whatever the others say
        ("Merchant Category: Eating Places | Expenditure Account: IT Consultancy", ("it_services", "high")),
        ("Cost Element: Miscellaneous | Expenditure Account Code Description: COMPUTER HARDWARE", ("devices", "high")),
        ("Account Code: Miscellaneous | Account Code: Software licences", ("software", "high")),  # both columns read
        # a column that says who bought only suggests: possibly tech...
        ("Service Area: ICT Services | Expense Type: Subscriptions", ("it_services", "low")),
        ("Cost Centre Description: Corporate ICT | Expense Type: Subscriptions", ("ict_other", "low")),
        # ...unless no column could say what was bought (a code or the capital/revenue flag says nothing)
        ("Cost Centre Description: Corporate ICT", ("ict_other", "medium")),
        ("Directorate: Resources | Service: Corporate IT | Cost Centre: MY37 | Type: Revenue", ("ict_other", "medium")),
        ("Directorate: Resources | Service: Libraries | Cost Centre: MY37 | Type: Revenue", (None, None)),
        (
            "Service Area: ICT | Group Description: Revenue Expenditure | Cost Centre Name: Telecoms",
            ("networks_telecoms", "medium"),
        ),  # the flag in words says nothing either
        ("Service Area: ICT | Group Description: Office Expenditure", ("ict_other", "low")),
        # an IT or digital department buying what its words name as a kind of thing bought decides it (rules 2026.34)
        ("Service Division: Information Technology | Expenses Type: Consultants Fees", ("it_services", "medium")),
        ("Service Division: Digital Services | Expense Type: Equipment", ("devices", "medium")),
        (
            "Service Area Division: IT & Digital Services | Merchant Category: Professional Fees",
            ("it_services", "medium"),
        ),
        (
            "Organisational unit: Telecare | Expenditure Category: Equipment",
            ("smart_city_iot", "low"),
        ),  # not general IT
        ("Service Area: Libraries | Expense Type: Consultants Fees", (None, None)),
        # a cost centre that pays refunds buys nothing, whatever its name holds (real-data review, rules 2026.36)
        ("Expense Area: Computer Refunds | Expense Type: Refunds", (None, None)),
        # licences bought by an IT department are software licences; a heading of non-IT licences, or licences
        # bought by any other department, are not (rules 2026.36)
        ("Service Division: Information Technology | Expenses Type: Licences", ("software", "medium")),
        ("Service - Cost Centre: IT Systems | Expense Description: License Costs", ("software", "medium")),
        ("Service Division: Information Technology | Expenses Type: Non IT Licences", ("ict_other", "low")),
        ("Service Area: Licensing | Expense Type: Licences", (None, None)),
        # a named business system, or business applications, are software (rules 2026.34); a building's systems not
        ("ACTIVITY: Capita Finance System Contract", ("software", "high")),
        ("Purpose of Spend: Digital and Business Applications", ("software", "high")),
        ("ACTIVITY: Application purchases", ("software", "high")),
        ("Expense Type: Boiler replacements/heating systems", (None, None)),
        ("Expense Type: Planning Applications", (None, None)),
        # a general heading decides alone, and only suggests beside a more specific column that is silent
        ("Subjective: Communications & Computing", ("ict_other", "medium")),
        ("Subjective: Communications & Computing | Procurement Classification: GAS.GAS", ("ict_other", "low")),
        # a column whose header says neither what nor who (a system's own name) is read, but its silence does not count
        (
            "Nstrg(T): Corporate Resources | Cipfsubj(T): Supplies and Services | Cipfsubs(T): Comms & Computing",
            ("ict_other", "medium"),
        ),
        (
            "Nstrg(T): Corporate Resources | Cipfsubj(T): Supplies and Services | Cipfsubs(T): Comms & Computing | "
            "Expense Type: Subscriptions",
            ("ict_other", "low"),
        ),
        # what the line bought vetoes technology; a department never does
        ("Service Area: ICT | Expense Type: Stationery", (None, None)),
        ("Department: Care Network Team | Expense Type: Software maintenance", ("software", "high")),
        # ...but where the words say only IT or its support, a department named for an area of IT names the kind
        # (round 33); one named for IT in general names none
        (
            "Cost Centre Description: CYBER SECURITY | Subjective Description: Ict Maintenance And Support",
            ("cyber_security", "high"),
        ),
        ("Cost Centre Description: ICT SERVICES | Subjective Description: IT Purchases", ("ict_other", "high")),
        ("Cost Centre Description: TELEPHONY | Subjective Description: Software licences", ("software", "high")),
        # a ledger path's separators are spaces: its words are read (rules 2026.9)
        ("Expenditure Category: LFRS.EXPENDITURE.SUPPLIES_&_SERVICES.COMPUTER_HARDWARE", ("devices", "high")),
        ("Expenditure Category: LFRS.EXPENDITURE.SUPPLIES_&_SERVICES.PROFESSIONAL_SERVICES", (None, None)),
        # intangible assets are a software heading: they decide alone, and only suggest beside a silent column
        (
            "Expenditure Category: Supplies and Services | Expenditure Code: Intangible Assets & licences 1 yr plus",
            ("software", "medium"),
        ),
        ("Expense Type: Intangible Assets | Purchase Description: Land Registry search", ("software", "low")),
        ("Expenditure Code: Walkie Talkies", ("networks_telecoms", "high")),
        # a heading naming software and equipment says only IT; computer consumables are devices' accessories
        ("Purpose: Computer Software & Equipment", ("ict_other", "high")),
        ("Purpose: Computer Software", ("software", "high")),
        ("Purpose Of Spend: Computer Equipment - New Software", ("ict_other", "high")),
        ("Purpose Of Spend: Computer Equipment", ("devices", "high")),
        ("Expenditure Account Code Description: COMPUTER CONSUMABLES", ("devices", "high")),
        # an annual subscription is to an association as often as to software
        (
            "Expenditure Code: Professional Subscriptions | Narrative: Rural Services Network annual subscription",
            (None, None),
        ),
        # food, outings and goods for resale are not technology, whatever the card scheme classes the shop as
        ("Purpose Of Spend: Purchase of Food & Drink | Merchant Category: COMPUTER SOFTWARE STORES", (None, None)),
        ("Purpose Of Spend: Holidays & Outings | Merchant Category: COMPUTER SOFTWARE STORES", (None, None)),
        ("Purpose Of Spend: Items For Resale | Merchant Category: COMPUTER SOFTWARE STORES", (None, None)),
        ("Purpose Of Spend: Licences | Merchant Category: COMPUTER SOFTWARE STORES", ("software", "high")),
        (
            "Expense Code Description: OTHER LOCAL AUTHORITIES | Thomson Classification Description: COMPUTER TRAINING",
            (None, None),
        ),
        # Orange PCS (Personal Communications Services) is Orange's company, not personal computers (rules 2026.13)
        (
            "org_short_name: tameside | clean_name: ORANGE PCS AIRTIME | company_name: EE LIMITED",
            ("networks_telecoms", "high"),
        ),
        # a cost centre paying business or apprentice grants buys nothing: a grant to an IT firm is not tech...
        (
            "Business Unit Description: APPRENTICE GRANT | Expense Code Description: FEE EXPENSES | "
            "Thomson Classification Description: COMPUTER CONSULTANTS",
            (None, None),
        ),
        # ...while a cost centre that administers grants buys software like any other
        (
            "Business Unit Description: COURT COSTS & BR ADMIN GRANT | Expense Code Description: COMPUTER SOFTWARE",
            ("software", "high"),
        ),
    ],
)
def test_a_line_is_read_whole(classifier: Classifier, descriptions: str, expected: tuple) -> None:
    decision = classifier.classify_line(descriptions)
    assert (decision.tech_category, decision.confidence) == expected
    if expected[0]:
        assert decision.reason


def test_a_proclass_code_decides_and_its_label_is_read_only_without_one(classifier: Classifier) -> None:
    # Trafford leaves 'ICT : Services' on lines coded to ProClass's root: with a code, the code decides
    line = "Purpose: SUBSCRIPTIONS - CLA licence 26/27 | ProclassLabel: ICT : Services"
    assert classifier.classify_line(line, "200000", "ICT : Services").tech_category is None
    # North Tyneside publishes the label alone ('ICT.SOFTWARE'): then it is the line's words
    line = "Purpose of Spend: Supplies and Services | Procurement Classification: ICT.SOFTWARE"
    assert classifier.classify_line(line, None, "ICT.SOFTWARE").tech_category == "software"
    # A code under ICT known only by its heading: the label names the kind; a label naming none leaves ICT
    line = "Purpose of Spend: Teams Rooms Pro | Proclass Description: Software"
    decision = classifier.classify_line(line, "271440", "Software")
    assert (decision.tech_category, decision.confidence) == ("software", "high")
    assert "ProClass 271440" in decision.reason and "'Software'" in decision.reason
    line = "Purpose of Spend: Teams Rooms Pro | Proclass Description: ICT Other"
    assert classifier.classify_line(line, "271499", "ICT Other").tech_category == "ict_other"
    # a code the rules know more precisely keeps its own kind over its label's
    line = "Purpose of Spend: Sundries | Proclass Description: Software"
    assert classifier.classify_line(line, "271200", "Software").tech_category == "devices"


@pytest.mark.parametrize(
    ("text", "supplier", "expected"),
    [
        ("IT Consultancy", "THE BRIDGE (IT RECRUITMENT) LIMITED", None),  # agency staff, not a tech purchase
        ("Agency staff", "Hays Specialist Recruitment Ltd", None),
        ("Materials", "Computacenter (UK) Limited", "ict_other"),  # on the kept list of tech suppliers
        ("Training Expenses (External)", "NEC Software Solutions UK Ltd", None),  # staff training, whoever runs it
        ("Transfer Payments - Social Services Clients", "Sopra Steria Limited", None),  # not a purchase
        ("Equipment General", "Northgate Public Sector Ltd", "software"),
        ("Equipment General", "Northgate Vehicle Hire Ltd", None),
        # postal and energy firms under a ledger's 'Communications & Computing' heading: postage and gas, not tech
        ("Comms & Computing", "ROYAL MAIL GROUP LTD", None),
        ("Comms & Computing", "Post Office Counters Limited", None),
        ("Computer Maintenance", "DX NETWORK SERVICES LTD", None),  # document exchange: legal post
        ("Comms & Computing", "British Gas Business", None),
        ("Comms & Computing", "Barclaycard", "ict_other"),
        ("Agency staff provision", "Access Computer Consulting plc", None),  # staff, whoever supplies them
        ("Construction Works", "Virgin Media Limited", None),  # a utility's street works
        ("Licences Purchase", "SAP UK & Eire User Group", None),  # a membership, not SAP
        ("I T Provision", "QA Ltd", None),  # IT training
        ("Consumable items", "MSFT * E0400I54B6", "software"),  # a card payment to Microsoft
        ("General Office expenses", "EE/T-Mobile", "networks_telecoms"),
        ("Equipment", "JUST CHECKING", "smart_city_iot"),  # activity-monitoring telecare kit
        ("Services - April 24", "Obitus (Vivedia Ltd)", "software"),  # crematorium webcasting and music system
        ("Licences", "NESSY LEARNING LTD", "software"),  # bare 'Licences' says nothing: the supplier does
        ("Licences", "Ofcom", None),  # ... and a licence from anyone else stays not tech
        ("Rent Deposit Fund", "KRYSTAL HOSTING LTD", "cloud_hosting"),  # named as a hosting company
        ("UTMC", "MOBIUS NETWORKS LTD", "networks_telecoms"),  # named as a networks company
        ("Gas", "SOUTHERN GAS NETWORKS LTD.", None),  # a utility's network
        ("Supported Living", "CARERS NETWORKS LTD", None),  # a people's network
        ("Bank Charges", "PAY 360 LIMITED", None),  # a payment processor's fees
        ("Comms & Computing", "Allpay Ltd", None),  # a heading that covers more than technology does not say
        # rules 2026.32: Pay360's veto yields to the line's own words (the payment software it also sells)
        ("Computer Software", "Pay360 Limited", "software"),
        ("Ict Maintenance And Support", "Pay 360 Ltd", "it_services"),
        ("Digital Printing", "ENCORE ENVELOPES", None),  # envelopes, even for an IT department's print room
        # IT support or maintenance from a supplier known for a specialist field is that field, and a hosting firm's
        # software its hosting (rules 2026.28: before, software stayed software)
        ("Computer Maintenance", "Rackspace Ltd", "cloud_hosting"),
        ("Computer Maintenance", "Computacenter (UK) Limited", "it_services"),
        ("IT Software Maintenance", "Rackspace Ltd", "cloud_hosting"),
        # rules 2026.12: IT support or consultancy from a supplier known for any one kind is that kind; words that name
        # a kind keep it, whoever is paid
        ("Computer Maintenance", "JML SOFTWARE SOLUTIONS LTD", "software"),  # the vendor's support of its software
        ("IT Consultancy", "AIRWAVE SOLUTIONS LTD", "networks_telecoms"),
        (
            "PPE - INFORMATION TECHNOLOGY (OWNED) - COST - ADDITIONS - IT CONSULTANCY ADDITIONS",
            "THOUGHTWORKS LTD",
            "digital_delivery",
        ),
        ("Computer Software", "Bytes Software Services", "software"),
        ("Computer Hardware", "Computacenter (UK) Limited", "devices"),  # a reseller does not refine
        ("EXP - PURCHASE OF GOODS/SERVICES - OTHER ICT COSTS", "CDW UK LTD", "ict_other"),  # nor does another
        ("Local Services", "AGD SYSTEMS LTD", "smart_city_iot"),  # traffic radar, on the kept list
        # lists added whole with their source (rules 2026.7), and the look-alikes they must not catch
        ("Publication And Promotion", "BJSS Limited", "digital_delivery"),  # G-Cloud specialist cloud services
        ("Other Hired And Contracted Services", "TRIAD CONTROLS LTD", None),  # not Triad Group, the IT firm
        ("Other Hired And Contracted Services", "Box-It Document Solutions Ltd", None),  # not Box, left off
        ("Office Consumables", "Giffgaff", "networks_telecoms"),  # a mobile virtual network operator
        ("Food & Drink", "Tesco Stores 6429", None),  # ... and a supermarket is not its mobile brand
        ("Operational Furniture And Equipment", "Buddi Limited", "smart_city_iot"),  # GPS personal alarms
        ("Equipment", "Invicta Telecare Ltd", "smart_city_iot"),  # named as a telecare firm
        ("Training and Development", "Acuma Solutions Ltd", None),  # staff training, whoever runs it
        ("Disabled Adaptations", "BEACON CONSTRUCTION & NETWORKS LTD", None),  # builders, not a networks company
        # rules 2026.9: internet service providers, data-communications and applications companies by name
        ("Operational Furniture And Equipment", "ZEN INTERNET LTD", "networks_telecoms"),
        ("Operational Materials", "Westermo Data Comms Ltd", "networks_telecoms"),
        ("Other Hired And Contracted Services", "Panacea Applications Limited", "software"),
        ("Advertising", "Internet Advertising Bureau", None),  # not an internet service provider
        ("Planning applications", "Smith Planning Consultants", None),  # applications of another kind
        ("Food & Drink", "ZEN INTERNET LTD", None),
        (
            "Computer Software & Equipment",
            "ZEN INTERNET LTD",
            "networks_telecoms",
        ),  # 'IT' refined by the supplier  # what was bought says food: no supplier makes it tech
        # rules 2026.13: training headings veto technology, whoever runs the course (Oxford's chart of accounts)
        ("IT Skills Development", "ARGUS SOFTWARE UK LTD", None),
        ("IT Skills Development", "MAN AND MACHINE LTD", None),
        ("Short Courses", "IDOX SOFTWARE LTD", None),  # the software vendor's course, not its software
        ("Consultants Fees", "IDOX SOFTWARE LTD", "software"),  # ... while its consultancy stays its software
        ("Short Courses", "VEHICLE TECHNOLOGY SOLUTIONS LTD", None),
        ("VOCATIONAL TRAINING - Digital Skills Taster", "The Trafford College Group", None),
        # equipment from a copier firm is its copiers; from anyone else it stays devices
        ("Hardware Rental", "CANON (UK) LTD", "print_document"),
        ("Hardware Rental", "SHARP BUSINESS SYSTEMS UK PLC", "print_document"),
        ("Hardware Purchase", "XMA LIMITED", "devices"),
        ("Hardware Purchase", "BT BUSINESS DIRECT", "devices"),  # a telecoms firm's handsets are devices
        # the three credit reference agencies are data firms (Equifax joins Experian and TransUnion)
        ("PROFESSIONAL FEES AND CHARGES", "Equifax Plc", "data_analytics"),
        ("Main Contractor", "REGIONAL NETWORKING SOLUTIONS LTD", "networks_telecoms"),  # named as a networking firm
        # a common word that begins a kept supplier's name is matched only with the qualifier the company prints
        ("Supplies and Services", "ORACLE CARE LTD", None),  # a care provider, not Oracle
        ("Supplies and Services", "Oracle Investigations", None),
        ("Supplies and Services", "Oracle Corporation UK Ltd", "software"),
        ("IT Software Maintenance", "ORACLE", "software"),
        ("Supplies and Services", "ORANGE GROVE FOSTER CARE LTD", None),
        ("Supplies and Services", "ORANGE PCS AIRTIME", "networks_telecoms"),
        ("Supplies and Services", "HCL SAFETY LTD", None),
        ("Supplies and Services", "HCL TECHNOLOGIES UK LTD", "it_services"),
        # a care network's solutions firm is a care provider; a card merchant's 'Website' is its sales channel; 'it'
        # joined by a hyphen or ending a name is a phrase
        ("Supported Living", "Care Network Solutions Ltd", None),
        ("Clothing & Uniforms", "Alexandra Website", None),
        ("Operational Materials", "Schoolwebsite.co.uk", "digital_delivery"),
        ("Confidential Waste", "Shred-It Ltd", None),
        ("Graphic Design Svs", "DESIGN IT", None),
        ("Other Hired And Contracted Services", "PLANET IT LTD", "it_services"),
        # rules 2026.14: software from a firm known for a specialist field (mapping, data, connected sensors) is that
        # field, as the taxonomy defines them ("GIS ... the systems that use them", "tools ... for analysing data",
        # "the platforms that collect their readings"); a security or hosting firm's software stays software
        ("IT Software Maintenance", "ESRI (UK) LIMITED", "geospatial"),
        ("IT Licence Fee", "Esri (Uk) Limited", "geospatial"),
        ("Software Maintenance/Running Costs", "EXPERIAN LTD", "data_analytics"),
        ("IT Software Maintenance", "SWARCO UK & IRELAND LIMITED", "smart_city_iot"),
        ("Computer Software", "NCC SERVICES LIMITED", "software"),  # NCC's escrow is software
        # telephony words paid to a software vendor are its call-handling software; to anyone else, telecoms
        ("Telecoms", "Northgate Public Services (UK) Ltd", "software"),
        ("TELECOM INCL PREPAID/RECURRING PHONE SVCS", "ZOOM.US 888-799-9666", "software"),
        ("Telecoms", "Fujitsu Services Ltd", "networks_telecoms"),
        ("Telephones", "Vodafone Ltd", "networks_telecoms"),
        # pay-by-phone parking is counted as telecoms (both labellers' convention); Bartec's RFID bin identification
        # is connected sensors, its waste-management software is software
        ("General Contracted Services", "COBALT TELEPHONE TECHNOLOGIES", "networks_telecoms"),
        ("Parking Services", "Verrus (UK) T/A paybyphone", "networks_telecoms"),
        ("Operational Equipment", "Bartec Auto ID Ltd", "smart_city_iot"),
        ("Software & Hardware Maintenance", "BARTEC MUNICIPAL TECHNOLOGIES LTD", "software"),
        # a firm named '... Network Solutions' is an IT solutions firm (its IT maintenance is IT support); only
        # '... Networking Solutions' names networking
        ("IT Hardware Maintenance", "GCI NETWORK SOLUTIONS TA NASSTAR", "it_services"),
        # (and its professional fees IT support: the words name the kind for a general IT firm, rules 2026.26)
        ("External Professional Fees", "GCI NETWORK SOLUTIONS TA NASSTAR", "it_services"),
        # rules 2026.15: vocational and professional training headings are training, even when a software vendor runs
        # them (Trafford's ledger truncates its subjectives to 20 characters: 'PROFESSIONAL TRAININ')
        ("VOCATIONAL TRAINING", "Person Centred Software Ltd", None),
        ("PROFESSIONAL TRAININ - Duty to Manage Asbestos - Online Course", "NATAS Asbestos Training Ltd", None),
        ("IT MAINT SOFTWARE", "Person Centred Software Ltd", "software"),  # ... while its software stays software
        ("Professional Fees", "Vocational Training Software Ltd", "software"),  # the words, not the supplier's name
        # a professional body's lines are memberships, conferences and programmes, even under an IT heading
        ("CAP PUR ICT H/W & S/ - Solace springboard", "SOLACE Group Ltd (Society of Local", None),
        ("Computer Software & Equipment", "The Chartered Institute of Marketing", None),
        ("IT Purchases", "Association of Directors of Childrens Services", None),
        ("Computer Software & Equipment", "Socitm Advisory Limited", "ict_other"),  # an advisory firm, not a body
        # Capita IT Services (formerly Ramesys) is IT services and support; Capita's software arms stay software
        ("IT Services (Schools)", "CAPITA IT SERVICES(RAMESYS)", "it_services"),
        ("Computer Software & Equipment", "Capita IT Services", "it_services"),
        ("Computer Software & Equipment", "Capita Managed IT Solutions Ltd", "it_services"),
        ("Computer Software & Equipment", "Capita Software Services", "software"),
        ("IT Services (Schools)", "CAPITA SIMS", "software"),
        # rules 2026.16: a cab firm is transport, whatever its name says; postage by name is post, but Pitney Bowes
        # Software (its former mapping-software arm) is not franking; data-centre and business-radio firms by name
        (None, "COMPUTER CAB(LIVERPOOL)LIMITED", None),
        ("Communications & Computing", "POSTAGE BY PHONE", None),
        (None, "PITNEY BOWES SOFTWARE LTD", "software"),
        (None, "PITNEY BOWES LTD", None),
        (None, "DATA CENTRE RESPONSE LIMITED", "it_infrastructure"),
        (None, "SFL MOBILE RADIO LIMITED", "networks_telecoms"),
        (None, "DATRIX LEARNING SERVICE (DATRIX TRAINING)", None),  # not Datrix, the G-Cloud infrastructure firm
        (None, "DATRIX LIMITED", "cloud_hosting"),
        # rules 2026.17: a training heading run together is training
        ("Non Staff TrainingCourses", "HANLON SOFTWARE SOLUTIONS", None),
        # rules 2026.18: charges and fees paid are not technology bought, whoever takes them
        ("Parking and congestion charges", "PAYBYPHONE RE RBKC", None),
        ("Bank Charges", "Conduent Parking Enforcement Solutions Ltd", None),
        ("Payment to Government Departments", "SOPRA STERIA LIMITED U", None),
        ("Parking permits system licence", "Taranto Systems Ltd", "software"),  # a parking system is software (2026.20)
        ("Telephone : Rentals", "BT Global Services", "networks_telecoms"),
        # rules 2026.19: IT networking is networks (a networking event is not); software or IoT in a supplier's name
        ("I.T. Networking", "Acme Ltd", "networks_telecoms"),
        ("Networking event", "Acme Ltd", None),
        (None, "EPLOYITSSOFTWARESYSTEMSLTD", "software"),
        (None, "IOT Solutions", "smart_city_iot"),
        (None, "Patriot Coaches Ltd", None),
        # rules 2026.21: ICT spelt out is an IT heading; schools and Computershare are never technology suppliers;
        # an Oracle ledger's 'PCS ...' public-sector supplier class is not PCs; network services firms by name, but
        # civil engineering is construction
        ("Information Communication Technology", "Acme Ltd", "ict_other"),
        ("Information and Communications Technology", "Acme Ltd", "ict_other"),
        ("Information Communication Technology", "Acme Software Ltd", "software"),
        ("B*Telecommunications", "Hallfield Primary School", None),
        ("B*Telecommunications", "Christ Church Bentinck Primary", None),
        ("Telephones", "Canon Barnett School", None),
        ("Computer Software", "SchoolCloud Systems Ltd", "software"),  # a school's software firm, not a school
        ("Childcare Vouchers", "Computer Share Voucher Services Ltd", None),
        ("IT Equipment", "Computershare Investor Services", None),
        ("PCS HEALTH AUTH", "Royal Free London NHS Foundation Trust", None),
        ("PCS LA SCHOOL", "Acme Ltd", None),
        ("PCs and laptops", "Acme Ltd", "devices"),
        (None, "Spitfire Network Services Ltd", "networks_telecoms"),
        (None, "DX Network Services Ltd", None),
        (None, "Childrens Network Services Ltd", None),
        ("General Civils", "KN Network Services Ltd", None),
        # rules 2026.22: a web design firm named in one word
        (None, "Acme Webdesign", "digital_delivery"),
        (None, "Acme Web Design Ltd", "digital_delivery"),
        # rules 2026.23: GoCardless is a payment processor; corporate training is training, whoever gives it
        ("Software Maintenance", "GoCardless Ltd", None),
        ("HR Corporate Training", "Acme Computing", None),
        ("Software Maintenance", "Acme Computing", "software"),
        # rules 2026.24: "Computing - Licences" and "Computing - Hardware" are software and devices; a heading of
        # printing and photocopying pays print shops too, so there the supplier's trade decides
        ("Computing - Licences", "Acme Ltd", "software"),
        ("Computing - Hardware", "Acme Ltd", "devices"),
        ("Printing & Photocopying", "Acme Print Ltd", None),
        ("Printing and Photocopying", "Ricoh UK Ltd", "print_document"),
        ("Photocopying charges", "Acme Ltd", "print_document"),
        # rules 2026.25: CIPFA's 'Printing, stationery and general office expenses' is a general heading, not
        # stationery (a copier firm under it is print technology; stationery itself still is not); ICT equipment
        # written the other way round
        ("Print Stationery Office Exp - Reprographics", "Konica Minolta Business Solutions (UK) Ltd", "print_document"),
        ("Stationery", "Konica Minolta Business Solutions (UK) Ltd", None),
        ("School Suspense - Equipment ICT- DFCG", "Acme Ltd", "devices"),
        ("Equipment - Sports", "Acme Ltd", None),
        # rules 2026.26: an 'IT Infrastructure' heading paid to a telecoms or hosting firm is its network or hosting;
        # to anyone else, servers and data centres; hardware support is IT support; a kept name matches whole words
        ("IT Infrastructure", "BT PLC S98 1BT", "networks_telecoms"),
        ("IT Infrastructure", "Pulsant Ltd", "cloud_hosting"),
        ("IT Infrastructure", "Acme Ltd", "it_infrastructure"),
        ("Hardware Support", "Acme Ltd", "it_services"),
        ("Hardware Support", "CENTERPRISE INTERNATIONAL LTD", "it_services"),  # not the hardware firm's devices
        ("IT Maintenance", "Sophos Ltd", "cyber_security"),  # a specialist's support is of its field
        ("Foster Care", "COMPASS FOSTERING CENTRAL LTD", None),
        (None, "RingCentral UK Ltd", "networks_telecoms"),
        # round 29: printing then photocopying with a comma is a print shop's heading too; a heading that starts
        # with Training is training; 'Computer Costs - Hardware' is hardware
        ("Printing, Photocopying and Reprographics", "AT Print Ltd t/a Prontaprint", None),
        ("Printing, Photocopying and Reprographics", "Ricoh UK Ltd", "print_document"),
        ("Training Housing", "FERRET INFORMATION SYSTEMS LTD", None),
        ("Training Software", "Acme Software Ltd", "software"),
        ("Computer Costs Hardware Purchases", "Acme Ltd", "devices"),
        # round 30: music licences are not software licences; a reseller's equipment is devices
        ("4603-IT Software Licenses/Subscription", "PPL PRS Ltd", None),
        ("Supplies and Services | Equipment", "SOFTCAT LTD", "devices"),
        ("Equipment Hire", "SOFTCAT LTD", "ict_other"),
        # round 31: a data link is a telecoms line; postage is post, whoever is paid; a firm named for telematics is
        # one; CIPFA's heading the other way round ('Computers and Communications') is a general heading
        ("Datalink", "Acme Ltd", "networks_telecoms"),
        ("Postage", "Civica UK Ltd", None),
        ("Postage & Phones", "Civica UK Ltd", "software"),  # phones too: a software vendor's telephony
        ("Supplies and Services", "UK TELEMATICS LTD.", "smart_city_iot"),
        # round 33: 'Comp' in a ledger's heading is computer; an interim and executive search firm is a recruiter;
        # a firm named for software training, or for community hosting (supported lodgings), is neither; a data-centre
        # firm is data centres though named for hosting; cyber-security and penetration-testing firms by name, not
        # 'cyber' alone
        ("COMP OUTSOURCED SERVICES", "Acme Ltd", "it_services"),
        ("COMP  HARDWARE - PURCHASE", "Acme Ltd", "devices"),
        ("Comp. Software Licences", "Acme Ltd", "software"),
        ("COMP OUTSOURCED SERVICES", "Tile Hill Interim & Executive Ltd", None),
        ("Compensation Payments", "Acme Ltd", None),
        ("Supplies and Services", "London Software Training Ltd", None),
        ("Services/Fees", "Community Hosting and Support Ltd", None),
        ("Supplies and Services", "Acme Hosting Ltd", "cloud_hosting"),
        ("Supplies and Services", "Crown Hosting Data Centres Ltd", "it_infrastructure"),
        ("Supplies and Services", "Pentest People Ltd", "cyber_security"),
        ("Supplies and Services", "Acme Cyber Security Ltd", "cyber_security"),
        ("PCC Commissioning", "North West Cyber Resilience Centre", None),
        # round 34: photocopying beside printing in one heading is a print shop's, wherever it stands; hardware
        # 'including' more says only IT; a hosting firm's software is its hosting; the kept list's Acer and
        # Conduent are not a care-home group nor a parking-enforcement (staff) contractor
        ("Printing, Publications and Photocopying", "Optichrome Ltd", None),
        ("Printing, Publications and Photocopying", "Canon (UK) Ltd", "print_document"),
        ("Printer/Photocopier Lease", "Acme Ltd", "print_document"),
        ("IT Hardware incl Support, Storage and Co", "Acme Ltd", "ict_other"),
        ("IT Hardware incl Support, Storage and Co", "BT Global Services", "networks_telecoms"),
        ("Equipment, including furniture", "Acme Ltd", None),
        ("430015 COMPUTER SOFTWARE", "Amazon Web Services EMEA SARL", "cloud_hosting"),
        ("Private Contractors Payment - Other", "Acer Healthcare Operation Ltd", None),
        ("Supplies and Services", "Acer UK Ltd", "devices"),
        ("Fees - Management and Administration", "Conduent Parking Enforcement Solutions Ltd", None),
        ("Supplies and Services", "Conduent Transport Solutions Ltd", "software"),
        # round 35: a name ending in Analytics or Informatics, web designs in the plural, Worldline's card and fuel-card
        # processing
        ("Fees - General", "Debigno Ltd T/A Pathway Analytics", "data_analytics"),
        ("Supplies and Services", "Place Informatics Ltd", "data_analytics"),
        ("Supplies and Services", "Analytics Consulting Partners Ltd", None),
        ("Supplies and Services", "Lucys Web Designs", "digital_delivery"),
        ("Supplies and Services", "Worldline IT Services UK Ltd Re Fuel Genie", None),
        # round 37: a 'Non IT' heading is not IT; 'Maint' is maintenance (not before software); ProClass's
        # 'Consultancy - ICT' is IT consultancy; cyber-defence firms by name
        ("Non It Licences", "TV Licensing", None),
        ("Non IT Equipment", "Acme Ltd", None),
        ("IT Licences", "Acme Ltd", "software"),
        ("Computer Hardware (Maint)", "Acme Ltd", "it_services"),
        ("IT MAINT SOFTWARE", "Acme Ltd", "software"),
        ("ProClass Label: Consultancy - ICT - CAPITAL", "Acme Ltd", "it_services"),
        ("Supplies and Services", "Orange Cyberdefense UK Ltd", "cyber_security"),
        # round 40: maintenance of computer equipment in that word order is IT support (not the equipment); computer
        # hardware paid to a hosting firm is its hosting, as its software is
        ("Maintenance of Computer Equipment", "Acme Ltd", "it_services"),
        ("Repairs to IT Equipment", "Acme Ltd", "it_services"),
        ("Computer Equipment and Hardware", "Acme Ltd", "devices"),
        ("Computer Hardware", "Amazon Web Services Inc.", "cloud_hosting"),
        ("Computer Hardware", "CDW Ltd", "devices"),
    ],
)
def test_supplier_evidence_and_staffing_agencies(classifier: Classifier, text, supplier, expected) -> None:
    assert classifier.classify_spend(text, None, None, None, supplier)[0] == expected


def test_award_evidence_names_the_largest_technology_contract() -> None:
    awards = [
        ("ocds-1", "Network refresh", "32420000", "networks_telecoms", 900_000, ["Acme Networks Ltd"]),
        ("ocds-2", "Wi-Fi", "32400000", "networks_telecoms", 50_000, ["ACME NETWORKS LIMITED"]),
        ("ocds-3", "Cleaning", "90910000", None, 10_000, ["Acme Networks Ltd"]),
        ("ocds-4", "Grounds", "77310000", None, 10_000, ["Mostly Gardens Ltd"]),
        ("ocds-5", "Website", "72413000", "digital_delivery", 10_000, ["Mostly Gardens Ltd"]),
        ("ocds-6", "Mowing", "77310000", None, 10_000, ["Mostly Gardens Ltd"]),
    ]
    evidence = award_evidence(awards)
    acme = evidence["acme networks"]
    assert acme.tech_category == "networks_telecoms" and acme.method == "contract award"
    assert acme.reason == (
        "supplier 'Acme Networks Ltd' won 2 technology contracts in the notices, e.g. 'Network "
        "refresh' (ocds-1, CPV 32420000)"
    )
    assert "mostly gardens" not in evidence  # one technology contract in three is not evidence


def _data_with(tmp_path: Path, spend_rows: list[str], releases: list[dict]) -> Path:
    root = tmp_path / "data"
    (root / "spend" / "camden").mkdir(parents=True)
    (root / "spend" / "camden" / "2025-04.csv").write_text(
        "Payment Date,Supplier Name,Amount,Expense Type,Service Area\n" + "\n".join(spend_rows) + "\n", encoding="utf-8"
    )
    (root / "procurement").mkdir()
    (root / "procurement" / "awards.json").write_text(json.dumps({"releases": releases}), encoding="utf-8")
    return root


def _award(ocid: str, supplier: str, cpv: str) -> dict:
    return {
        "ocid": ocid,
        "id": f"{ocid}-1",
        "date": "2025-01-01T00:00:00Z",
        "tag": ["award"],
        "buyer": {"id": "GB-LAC-E09000007", "name": "London Borough of Camden"},
        "tender": {"title": f"Contract {ocid}", "classification": {"scheme": "CPV", "id": cpv}},
        "awards": [
            {
                "id": "1",
                "status": "active",
                "suppliers": [{"name": supplier}],
                "value": {"amount": 100000, "currency": "GBP"},
            }
        ],
    }


def test_the_build_takes_award_evidence_and_officers_corrections(tmp_path: Path) -> None:
    rows = [
        "01/04/2025,Quillon Systems Ltd,1000.00,Equipment,Libraries",  # silent text, a tech award: medium
        "02/04/2025,Quillon Systems Ltd,2000.00,Building repairs,Libraries",
        "03/04/2025,Brightwater Ltd,3000.00,Sundries,ICT Services",  # only the department: possibly tech
        "04/04/2025,Brightwater Ltd,4000.00,Software licences,Libraries",  # text: high, corrected to none
        "05/04/2025,Cedar Care Ltd,5000.00,Care fees,Adults",
    ]  # nothing
    data = _data_with(tmp_path, rows, [_award("ocds-q1", "QUILLON SYSTEMS LIMITED", "72000000")])
    con = _build_with_corrections(
        tmp_path,
        data,
        "line,spend/camden/2025-04.csv:5,none,a refund booked under the wrong account\n"
        "text,Building repairs,it_infrastructure,the server room fit-out\n"
        "supplier,cedar care,none,\n",
    )
    got = con.execute(
        "select source_row, tech_category, possible_tech_category, classification_confidence, "
        "classification_method, classification_reason from spend order by source_row"
    ).fetchall()
    assert [g[:5] for g in got] == [
        (2, "it_services", None, "medium", "contract award"),
        (3, "it_infrastructure", None, "high", "correction"),
        (4, None, "it_services", "low", "department"),
        (5, None, None, None, "correction"),
        (6, None, None, None, "correction"),
    ]
    assert "won 1 technology contract in the notices, e.g. 'Contract ocds-q1' (ocds-q1, CPV 72000000)" in got[0][5]
    assert got[3][5].startswith("corrected by an officer (classification_corrections.csv line 2): not technology")
    possible = con.execute(
        "select sum(possible_tech_gbp), sum(possible_tech_lines) from agg_spend_by_borough_month"
    ).fetchone()
    assert possible == (Decimal("3000.00"), 1)
    assert run_checks(con) == []


def test_the_build_refines_a_broad_heading_by_the_supplier_as_the_classifier_does(
    tmp_path: Path, classifier: Classifier
) -> None:
    """The spend mart's SQL takes the supplier's kind where the words name only IT or IT support (rules 2026.12), a
    copier firm's kind where they name equipment (2026.13), a mapping, data or sensor firm's field where they
    name software and a software vendor's where they name telephony (2026.14), and the kind the words name for a
    general IT firm (2026.26), and a hosting firm's where they name software (2026.28), line for line as `combine`
    does."""
    lines = [
        ("Computer Maintenance", "JML SOFTWARE SOLUTIONS LTD"),  # software
        ("IT Consultancy", "THOUGHTWORKS LTD"),  # digital delivery
        ("Computer Maintenance", "ESRI (UK) LIMITED"),  # mapping
        ("Software Maintenance", "ESRI (UK) LIMITED"),  # a mapping firm's software is mapping (rules 2026.14)
        ("Computer Maintenance", "Computacenter (UK) Limited"),  # stays IT support
        ("Computer Hardware", "O2 UK LTD"),  # devices: only broad headings are refined...
        ("Hardware Rental", "CANON (UK) LTD"),  # ...but equipment from a copier firm is its copiers (rules 2026.13)
        ("Software Maintenance", "Rackspace Ltd"),  # a hosting firm's software is its hosting (2026.28)
        ("Telecoms", "Northgate Public Services (UK) Ltd"),  # a software vendor's telephony is software (2026.14)
        ("IT Infrastructure", "BT PLC"),  # a telecoms firm's infrastructure is its network (2026.26)
        ("Hardware", "CDW Ltd"),  # a reseller's hardware is devices (kind rules, 2026.26)...
        ("Consultancy", "SOFTCAT"),  # ...its consultancy IT support...
        ("Consultancy", "IDOX SOFTWARE LTD"),  # ...but a specialist keeps its kind
        ("Hardware", "Acme Ltd"),  # and hardware from anyone else is not tech
    ]
    rows = [f"{i + 1:02d}/04/2025,{supplier},100.00,{text},Libraries" for i, (text, supplier) in enumerate(lines)]
    con = _build_with_corrections(tmp_path, _data_with(tmp_path, rows, []), "")
    got = [r[0] for r in con.execute("select tech_category from spend order by source_row").fetchall()]
    assert got == [
        "software",
        "digital_delivery",
        "geospatial",
        "geospatial",
        "it_services",
        "devices",
        "print_document",
        "cloud_hosting",
        "software",
        "networks_telecoms",
        "devices",
        "it_services",
        "software",
        None,
    ]
    assert got == [classifier.classify_spend(text, None, None, None, supplier)[0] for text, supplier in lines]


@pytest.mark.parametrize(
    ("descriptions", "code", "silent"),
    [
        (None, None, True),
        ("Service Area: Libraries | Cost Centre Name: Central Library", None, True),  # who bought, not what
        ("org_short_name: bolton | clean_name: APEX RADIO SYSTEMS | company_name: APEX RADIO SYSTEMS LTD", None, True),
        ("Expense Type: HC50", None, True),  # a code says nothing
        ("Account Name: Building repairs", None, False),
        ("Expense Type: Software licences", None, False),
        (None, "271100", False),  # a ProClass code says what was bought
    ],
)
def test_a_line_is_silent_when_no_column_says_what_was_bought(
    classifier: Classifier, descriptions: str | None, code: str | None, silent: bool
) -> None:
    """A silent line's supplier's other payments may speak for it; a column naming the payee or the publisher (the
    North West's gathered files) does not say what was bought, even where a keyword finds a word in the name."""
    assert classifier.classify_line(descriptions, code).silent is silent


def test_a_suppliers_worded_lines_speak_for_its_silent_lines_across_publishers(tmp_path: Path) -> None:
    """Camden's file says what was bought; Barnet's says only the payee (as the North West's gathered files do, with
    the company's name in a column of its own). A supplier whose lines with words are technology, from two accounts or
    two councils, gives its category to its silent lines (medium); a mixed supplier, one account alone, a vetoed
    supplier and an officer's correction do not move."""
    root = tmp_path / "data"
    _write(
        root / "spend" / "camden" / "2025-04.csv",
        "Payment Date,Supplier Name,Amount,Expense Type,Service Area\n"
        "01/04/2025,Larchmere Ltd,1200.00,Software licences,Libraries\n"  # 2: Larchmere, two accounts
        "02/04/2025,Larchmere Ltd,800.00,Software maintenance,Adults\n"
        "03/04/2025,Larchmere Ltd,950.00,Computer Software,Schools\n"
        "04/04/2025,Oakridge Ltd,700.00,Software licences,Libraries\n"  # 5: Oakridge, half not tech
        "05/04/2025,Oakridge Ltd,650.00,Software licences,Adults\n"
        "06/04/2025,Oakridge Ltd,900.00,Building repairs,Libraries\n"
        "07/04/2025,Oakridge Ltd,900.00,Building repairs,Parks\n"
        "08/04/2025,Fernvale Ltd,610.00,IT Software,Libraries\n"  # 9: Fernvale, one account in one ledger
        "09/04/2025,Fernvale Ltd,620.00,IT Software,Adults\n"
        "10/04/2025,Fernvale Ltd,630.00,IT Software,Schools\n"
        "11/04/2025,Brightpath Recruitment Ltd,1000.00,Software licences,Libraries\n"  # 12: vetoed supplier
        "12/04/2025,Brightpath Recruitment Ltd,1100.00,Software maintenance,Adults\n",
    )
    _write(
        root / "spend" / "hackney" / "2025-04.csv",  # a second council: Marlow's lines speak from two publishers
        "Payment Date,Supplier Name,Amount,Expense Type\n01/04/2025,Marlow Ltd,1300.00,Mobile phones\n",
    )
    _write(
        root / "spend" / "camden" / "2025-05.csv",
        "Payment Date,Supplier Name,Amount,Expense Type\n01/05/2025,Marlow Ltd,1400.00,Telephones\n",
    )
    _write(
        root / "spend" / "barnet" / "2025-04.csv",
        "Payment Date,Supplier Name,Amount,company_name\n"
        "01/04/2025,LARCHMERE LIMITED,5000.00,LARCHMERE LIMITED\n"  # 2: evidence from two accounts
        "02/04/2025,Larchmere Ltd,6000.00,LARCHMERE LIMITED\n"  # 3: corrected by line to not tech
        "03/04/2025,Oakridge Ltd,7000.00,OAKRIDGE LIMITED\n"
        "04/04/2025,Fernvale Ltd,8000.00,FERNVALE LIMITED\n"
        "05/04/2025,Brightpath Recruitment Ltd,9000.00,BRIGHTPATH RECRUITMENT LIMITED\n"
        "06/04/2025,Marlow Ltd,1500.00,MARLOW LIMITED\n",
    )
    con = _build_with_corrections(
        tmp_path, root, "line,spend/barnet/2025-04.csv:3,none,a refund of a building deposit\n"
    )
    got = con.execute(
        "select source_row, tech_category, classification_confidence, classification_method, classification_reason "
        "from spend where source_file = 'spend/barnet/2025-04.csv' order by source_row"
    ).fetchall()
    assert [g[:4] for g in got] == [
        (2, "software", "medium", "supplier lines"),
        (3, None, None, "correction"),
        (4, None, None, None),  # Oakridge: 2 of 4 lines with words are tech
        (5, None, None, None),  # Fernvale: one account ('IT Software') in one ledger
        (6, None, None, None),  # a recruitment agency: never tech, whatever its other lines say
        (7, "networks_telecoms", "medium", "supplier lines"),
    ]
    assert got[0][4] == (
        "the supplier's payments that say what was bought: 3 of 3 lines are technology, 3 of them Software and "
        "licences (Camden)"
    )
    assert got[5][4].endswith("2 of 2 lines are technology, 2 of them Networks and telecoms (Camden, Hackney)")
    # the lines with words keep their own decision: Oakridge's building repairs and the agency's lines stay not tech
    words = con.execute(
        "select count(*) filter (where classification_method = 'text'), count(*) filter (where tech_category is null), "
        "count(*) from spend where source_file <> 'spend/barnet/2025-04.csv'"
    ).fetchone()
    assert words == (10, 4, 14)
    assert run_checks(con) == []
    identified = classification_coverage(con, date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 4, 30)).set_index(
        "area_name"
    )  # the Data and coverage page's table
    con.close()
    assert identified.loc["Barnet", "by_supplier_lines_gbp"] == 6500.0
    assert identified.loc["Camden", "by_supplier_lines_gbp"] == 0


# --- Publishers the rules were not written from (../real-extra, see tests/labels/extra_sources.md) ---------------

EXTRA_LABELS = Path(__file__).resolve().parent / "labels" / "extra_spend_tech_labels.csv"
# Each publisher's folder in the test warehouse: the GLA and TfL as themselves, the others under stand-in boroughs.
EXTRA_FOLDERS = {
    "gla": "greater-london-authority",
    "tfl": "transport-for-london",
    "calderdale": "barnet",
    "craven": "bexley",
    "gateshead": "brent",
    "hyndburn": "bromley",
    "lancashire-fire": "camden",
    "lancashire-pcc": "croydon",
    "north-tyneside": "ealing",
    "windsor-maidenhead": "enfield",
    "manchester": "hackney",
    "harrogate": "haringey",
    "darlington": "harrow",
    "salford": "hillingdon",
    "newcastle": "hounslow",
    "sheffield": "lewisham",
    "hampshire": "merton",
    "derby": "newham",
    "spelthorne": "redbridge",
    "warwickshire": "southwark",
    "central-bedfordshire": "sutton",
    "chelmsford": "wandsworth",
    "leicestershire": "tower-hamlets",
    "cambridgeshire": "waltham-forest",
    "swindon": "westminster",
    "blackpool": "kingston-upon-thames",
    "bath-and-north-east-somerset": "lambeth",
    "sefton": "barking-and-dagenham",
    "county-durham": "havering",
    "redcar-and-cleveland": "richmond-upon-thames",
    "cheshire-west-and-chester": "greenwich",
    "herefordshire": "islington",
    "medway": "hammersmith-and-fulham",
    "city-of-london": "city-of-london",
    "croydon": "kensington-and-chelsea",
    "ealing": "london-fire-commissioner",
    "hounslow": "mayors-office-for-policing-and-crime",
    "hackney": "london-legacy-development-corporation",
    "tower-hamlets": "old-oak-and-park-royal-development-corporation",
    "hammersmith-and-fulham": "metropolitan-police-service",
    "havering": "london-pensions-fund-authority",
    "brent": "london-grid-for-learning",
    "wandsworth": "london-councils",
    "newham": "nhs-north-east-london-integrated-care-board",
    "enfield": "nhs-north-central-london-integrated-care-board",
    "lewisham": "nhs-south-east-london-integrated-care-board",
    "barnet": "nhs-north-west-london-integrated-care-board",
    "barking-and-dagenham": "nhs-south-west-london-integrated-care-board",
    "greenwich": "london-office-of-technology-and-innovation",
    # London's publishers are all in use: from here two councils share a stand-in (their files' names differ)
    "east-lindsey": "london-councils",
    "telford-and-wrekin": "london-grid-for-learning",
    "solihull": "london-pensions-fund-authority",
    "stockton-on-tees": "mayors-office-for-policing-and-crime",
    "stoke-on-trent": "london-fire-commissioner",
    "hartlepool": "london-legacy-development-corporation",
    "luton": "old-oak-and-park-royal-development-corporation",
    "kirklees": "metropolitan-police-service",
    "liverpool": "nhs-north-east-london-integrated-care-board",
    "oxfordshire": "nhs-north-central-london-integrated-care-board",
    "bracknell-forest": "nhs-south-east-london-integrated-care-board",
    "south-tyneside": "nhs-north-west-london-integrated-care-board",
    "stockport": "nhs-south-west-london-integrated-care-board",
    "st-helens": "london-office-of-technology-and-innovation",
    "peterborough": "kensington-and-chelsea",
    "staffordshire": "barking-and-dagenham",
    "slough": "barnet",
    "plymouth": "bexley",
    "middlesbrough": "brent",
    "sandwell": "camden",
    "sunderland": "islington",
    "rotherham": "lambeth",
    "west-northamptonshire": "southwark",
    "west-berkshire": "bromley",
    "doncaster": "harrow",
    "thurrock": "merton",
    "kingston-upon-hull": "sutton",
    "southampton": "croydon",
    "walsall": "ealing",
    "warrington": "enfield",
    "bury": "greenwich",
    "halton": "hackney",
    "knowsley": "haringey",
    "worcestershire": "newham",
}
# The layouts whose supplier or amount column no synonym names: the mapping a user would add (the error says which).
EXTRA_MAPPINGS = {
    "gateshead": "supplier_name,Supplier ID(T)",
    "lancashire-pcc": "supplier_name,* SUPPLIER FINAL",
    "darlington": "amount,Invoice Line Value (net of VAT)",
    "salford": "amount,Net",
    "newcastle": "amount,Total (excludes VAT)",
    "sheffield": "amount,Invoiced Value",
}


def extra_real() -> Path:
    path = Path(os.environ.get("LOTI_DEMAND_EXTRA_REAL") or PROJECT.parent / "real-extra")
    if not (path / "spend").is_dir():
        pytest.skip(f"the extra real spend files are not present at {path} (see tests/labels/extra_sources.md)")
    return path


def build_extra(folder: Path) -> Path:
    """Build the extra labels' warehouse in `folder`: each publisher's files linked under its stand-in folder (with
    its mapping), as a user would lay them out; the warehouse's path."""
    source, root = extra_real(), folder / "data"
    for publisher, stand_in in EXTRA_FOLDERS.items():
        if not (source / "spend" / publisher).is_dir():  # an older copy: its labels count as not loaded
            continue
        target = root / "spend" / stand_in
        target.mkdir(parents=True, exist_ok=True)
        for path in (source / "spend" / publisher).iterdir():
            (target / path.name).symlink_to(path)
        if publisher in EXTRA_MAPPINGS:
            (target / "mapping.csv").write_text(f"field,column\n{EXTRA_MAPPINGS[publisher]}\n", encoding="utf-8")
    build(root, folder / "warehouse.duckdb")
    return folder / "warehouse.duckdb"


@pytest.fixture(scope="module")
def extra_con(tmp_path_factory: pytest.TempPathFactory):
    con = connect(build_extra(tmp_path_factory.mktemp("extra")), read_only=True)
    yield con
    con.close()


def score_folds(con) -> dict[tuple[str, str], Counter]:
    """{(fold, publisher): tp, fp, fn, tn, exact} on the extra labels, at the default confidence."""
    predicted = {
        (f, r): c or "none"
        for f, r, c in con.execute("select source_file, source_row, tech_category from spend").fetchall()
    }
    scores: dict[tuple[str, str], Counter] = {}
    with EXTRA_LABELS.open(encoding="utf-8", newline="") as fh:
        for label in csv.DictReader(fh):
            _, publisher, name = label["path"].split("/", 2)
            key = (f"spend/{EXTRA_FOLDERS[publisher]}/{name}", int(label["line"]))
            score = scores.setdefault((label["fold"], publisher), Counter())
            if key not in predicted:  # quarantined (a card line with no date): it counts in no total
                score["not loaded"] += 1
                continue
            got, truth = predicted[key], label["category"]
            score[
                "tp"
                if truth != "none" and got != "none"
                else "fp"
                if got != "none"
                else "fn"
                if truth != "none"
                else "tn"
            ] += 1
            score["exact"] += truth != "none" and got == truth
    return scores


def _rates(c: Counter) -> tuple[float, float, float]:
    tp = c["tp"]
    return (
        tp / (tp + c["fp"]) if tp + c["fp"] else 1.0,
        tp / (tp + c["fn"]) if tp + c["fn"] else 1.0,
        c["exact"] / tp if tp else 1.0,
    )


@pytest.mark.slow  # its warehouse of eighty-three publishers' files takes over a minute to build
def test_publishers_the_rules_were_not_written_from(extra_con) -> None:
    """Recall and precision per publisher and fold on real files from eighty-three publishers: the tuning fold (looked
    at while writing rules) and the locked fold (never looked at line by line; Harrogate and Salford were labelled
    before the rules' last change and no rule was written from them). Targets (issue): recall >= 0.90 and precision
    >= 0.95 on the locked fold, overall and per publisher with 20 or more tech lines; exact category for >= 80% of
    true positives. The asserted floors are the figures measured for the rules of 2026.7 (docs/classification.md
    has them per publisher); Harrogate and Salford are still below the per-publisher target, and Sheffield (measured
    once as locked, then moved to tuning) below the precision target. The fresh fold (rounds 28 to 31, 33 to 35, 37,
    39 and 40: thirty-eight councils drawn at random, labelled blind, measured once as locked, then their misses read)
    holds at the figures of rules 2026.34, below the targets; the held fold (rounds 32, 36, 38 and 41 to 45:
    twenty-nine more, measured once with rules 2026.26 and 2026.29 to 2026.34, misses not read) at its figures
    then."""
    scores = score_folds(extra_con)
    totals: dict[str, Counter] = {}
    for (fold, publisher), c in sorted(scores.items()):
        totals.setdefault(fold, Counter()).update(c)
        precision, recall, exact = _rates(c)
        print(
            f"{fold:7} {publisher:20} tech lines {c['tp'] + c['fn']:4}  precision {precision:.3f}  "
            f"recall {recall:.3f}  exact {exact:.3f}  (labelled lines not loaded: {c['not loaded']})"
        )
    for fold, c in sorted(totals.items()):
        precision, recall, exact = _rates(c)
        print(
            f"{fold:7} {'ALL':20} tech lines {c['tp'] + c['fn']:4}  precision {precision:.3f}  "
            f"recall {recall:.3f}  exact {exact:.3f}"
        )
    assert _rates(totals["locked"])[0] >= 0.95 and _rates(totals["tuning"])[0] >= 0.95
    assert _rates(totals["locked"])[1] >= 0.90 and _rates(totals["tuning"])[1] >= 0.93
    assert _rates(totals["locked"])[2] >= 0.80
    precision, recall, exact = _rates(totals["fresh"])
    assert precision >= 0.92 and recall >= 0.86 and exact >= 0.74
    precision, recall, exact = _rates(totals["held"])
    assert precision >= 0.89 and recall >= 0.80 and exact >= 0.75


class _EveryPattern:
    """A prefilter that lets every pattern through."""

    def __init__(self, count: int) -> None:
        self.count = count

    def which(self, text: str) -> list[int]:
        return list(range(self.count))


def test_the_supplier_prefilter_finds_what_searching_every_pattern_finds(classifier: Classifier) -> None:
    """Each supplier name is searched only with the rules whose words it holds; the decisions are those of searching
    with every rule, on the kept list's names and on names built from their words, in any case and with the
    characters that case-insensitive matching treats specially (long s, dotted I, the Kelvin sign)."""
    import random

    every = Classifier.from_reference(Reference())
    every._supplier_filter = _EveryPattern(len(every._suppliers))
    every._exclude_supplier_filter = _EveryPattern(len(every._exclude_supplier))
    words = [w for r in Reference().table("tech_suppliers") for w in r["supplier"].split()]
    words += [
        "IT",
        "It",
        "it",
        "Ltd",
        "Limited",
        "Software",
        "soft",
        "Telecom",
        "telephony",
        "grid",
        "3",
        "UK",
        "O2",
        "\u017foftware",
        "\u0130T",
        "\u212aCOM",
        "Computers",
        "recruitment",
        "BT",
        "btl",
        "-",
        "&",
        "(UK)",
    ]
    rng = random.Random(23)
    names = [r["supplier"] for r in Reference().table("tech_suppliers")]
    names += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(5000)]
    names += [n.upper() for n in names[:500]] + [n.lower() for n in names[:500]]
    found = Counter()
    for name in names:
        expected = every.classify_supplier(name)
        assert classifier.classify_supplier(name) == expected, name
        found[bool(expected.tech_category or expected.excluded)] += 1
    assert found[True] > 1000 and found[False] > 1000  # both kinds of answer were tried


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"^bt\b(?!l)|\bbritish telecom", {"bt", "british telecom"}),
        (r"city ?fibre", {"fibre"}),
        (r"\b(?-i:IT)$", {"it"}),
        (r"\btelef[oó]nica\b|^o2\b", {"telef", "o2"}),
        (r"[a-z]+soft\b|\w+ware", {"soft", "ware"}),
        (r"[a-z]+soft\b|\d+", None),  # one alternative names no word: every name is searched with it
        (r"caf\u00e9", {"caf"}),  # a character beyond ASCII ends the word
    ],
)
def test_the_words_a_pattern_must_match(pattern: str, words: set[str] | None) -> None:
    from loti_demand.normalise.prefilter import required_words

    assert required_words(pattern) == (frozenset(words) if words is not None else None)


def test_a_line_saying_only_it_takes_the_kind_the_suppliers_other_lines_name(tmp_path: Path) -> None:
    """Hackney's ledger books these suppliers under "IT Equip/Services", which names no kind; Camden's and Islington's
    say what they bought. A supplier on no list whose other lines name one kind, two or more of them from two
    publishers or two accounts, gives that kind to the general lines (high: the line's own words say technology; the
    reason names both); a supplier whose lines name several kinds, one line alone, one account in one ledger, and a
    reseller known for IT of every kind keep "Other or unspecified IT"; words that name a kind keep it."""
    root = tmp_path / "data"
    _write(
        root / "spend" / "camden" / "2025-04.csv",
        "Payment Date,Supplier Name,Amount,Expense Type\n"
        "01/04/2025,Larchmere Ltd,1200.00,Software licences\n"  # Larchmere: software, two councils
        "02/04/2025,Oakridge Ltd,700.00,Software licences\n"  # Oakridge: software once, telephones twice
        "03/04/2025,Oakridge Ltd,650.00,Telephones\n"
        "04/04/2025,Fernvale Ltd,610.00,Software licences\n"  # Fernvale: one line
        "05/04/2025,Hollin Ltd,620.00,Computer Software\n"  # Hollin: one account in one ledger
        "06/04/2025,Hollin Ltd,630.00,Computer Software\n"
        "07/04/2025,Softcat PLC,900.00,Software licences\n",  # a reseller on the kept list
    )
    _write(
        root / "spend" / "islington" / "2025-04.csv",
        "Payment Date,Supplier Name,Amount,Expense Type\n"
        "01/04/2025,Larchmere Ltd,1300.00,Software maintenance\n"
        "02/04/2025,Oakridge Ltd,1400.00,Mobile phones\n"
        "03/04/2025,Softcat PLC,950.00,Software maintenance\n",
    )
    _write(
        root / "spend" / "hackney" / "2025-04.csv",
        "Payment Date,Supplier Name,Amount,Expense Type\n"
        "01/04/2025,Larchmere Ltd,5000.00,IT Equip/Services\n"
        "02/04/2025,Oakridge Ltd,6000.00,IT Equip/Services\n"
        "03/04/2025,Fernvale Ltd,7000.00,IT Equip/Services\n"
        "04/04/2025,Hollin Ltd,8000.00,IT Equip/Services\n"
        "05/04/2025,Softcat PLC,9000.00,IT Equip/Services\n"
        "06/04/2025,Larchmere Ltd,1500.00,Mobile phones\n",  # its own kind, and a third of Larchmere's kind lines
    )
    con = _build_with_corrections(tmp_path, root, "")
    got = con.execute(
        "select source_row, tech_category, classification_confidence, classification_method, classification_reason "
        "from spend where source_file = 'spend/hackney/2025-04.csv' order by source_row"
    ).fetchall()
    assert [g[:4] for g in got] == [
        (2, "software", "high", "text"),
        (3, "networks_telecoms", "high", "text"),  # 2 of its 3 lines naming a kind are telephones
        (4, "ict_other", "high", "text"),
        (5, "ict_other", "high", "text"),
        (6, "ict_other", "high", "text"),
        (7, "networks_telecoms", "high", "text"),
    ]
    assert got[0][4].startswith("Expense Type 'IT Equip/Services' matches keyword")
    assert got[0][4].endswith(
        "; the supplier's payments that name a kind of technology: 2 of 3 lines are Software and licences (Camden, "
        "Islington)"
    )
    # the other councils' lines keep their own words' kinds (the reseller's software lines too)
    assert con.execute(
        "select count(*) filter (where tech_category = 'software'), count(*) from spend "
        "where source_file <> 'spend/hackney/2025-04.csv'"
    ).fetchone() == (8, 10)
    assert run_checks(con) == []


def _write(path: Path, text: str) -> None:
    """A spend file of a test's data folder, its borough's folder made as needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _build_with_corrections(tmp_path: Path, data: Path, corrections: str):
    """Build `data` with the project's reference data and these lines of classification_corrections.csv; a
    read-only connection to the warehouse."""
    reference = tmp_path / "reference"
    shutil.copytree(Reference().folder, reference)
    (reference / "classification_corrections.csv").write_text(
        "kind,match,tech_category,note\n" + corrections, encoding="utf-8"
    )
    warehouse = tmp_path / "w.duckdb"
    build(data, warehouse, reference=Reference(reference))
    return connect(warehouse, read_only=True)


def test_every_extra_labelled_file_is_listed_with_the_commit_it_is_read_from() -> None:
    """tests/labels/extra_files.py puts the files in place from the table in extra_sources.md: every labelled file
    must have a row there, with its repository, commit, path and size."""
    from tests.labels.extra_files import SOURCES, listed

    rows = {
        file: (repository, commit, path, size)
        for file, repository, commit, path, size in listed(SOURCES.read_text(encoding="utf-8"))
    }
    with EXTRA_LABELS.open(encoding="utf-8", newline="") as fh:
        labelled = {label["path"].split("!")[0] for label in csv.DictReader(fh)}
    assert labelled and labelled <= set(rows), f"labelled but not listed: {sorted(labelled - set(rows))}"
    for file, (repository, commit, path, size) in rows.items():
        assert repository.count("/") == 1 and len(commit) == 40 and path and not path.startswith("`"), file
        assert size is None or size > 0, file


CORRECTIONS_HEADER = "kind,match,tech_category,note\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CORRECTIONS_HEADER + "suppliers,Hawksmoor Advisory LLP,it_services,\n", r"row 2: kind 'suppliers' is not one"),
        ("type,supplier,category,note\nsupplier,Hawksmoor,it_services,\n", r"row 1 \(the header\) has no kind, match"),
        ("kind;match;tech_category;note\nsupplier;Hawksmoor;it_services;\n", r"row 1: .*separated by semicolons"),
        (CORRECTIONS_HEADER + "supplier,Hawksmoor,it_service,\n", r"row 2: tech_category 'it_service' is not a categ"),
        (CORRECTIONS_HEADER + "line,spend/barnet/a.csv:row17,software,\n", r"row 2: match 'spend/barnet/a.csv:row17'"),
        (CORRECTIONS_HEADER + "supplier,,software,\n", r"row 2: no match"),
        # found by a diff review: a superscript digit was "a bug"; punctuation or a legal form alone corrected nothing
        (CORRECTIONS_HEADER + "line,spend/barnet/a.csv:\u00b2,software,\n", r"row 2: match 'spend/barnet/a.csv:"),
        (CORRECTIONS_HEADER + "text,---,software,\n", r"row 2: match '---' holds no words to correct"),
        (CORRECTIONS_HEADER + "supplier,Ltd,software,\n", r"row 2: match 'Ltd' names no supplier"),
        (CORRECTIONS_HEADER + "text," + "x" * 200_000 + ",software,\n", r"row 2 has a value longer than 131,072"),
        (
            CORRECTIONS_HEADER
            + "supplier,Hawksmoor Advisory LLP,software,\nsupplier,HAWKSMOOR ADVISORY LIMITED,none,\n",
            r"row 3 corrects supplier 'HAWKSMOOR ADVISORY LIMITED' to none, but row 2 corrects the same supplier",
        ),
    ],
)
def test_a_corrections_file_that_would_apply_nothing_is_refused_naming_the_row(
    tmp_path: Path, text: str, message: str
) -> None:
    """Before, each of these built with exit 0 and applied nothing (or crashed with a traceback naming no file)."""
    from loti_demand.exceptions import ReferenceDataError
    from loti_demand.warehouse.reference_checks import check_reference

    reference = tmp_path / "reference"
    shutil.copytree(Reference().folder, reference)
    (reference / "classification_corrections.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="classification_corrections.csv: " + message):
        check_reference(Reference(reference))


def test_a_corrections_file_saved_by_excel_in_cp1252_is_read(tmp_path: Path) -> None:
    from loti_demand.warehouse.enrich import load_corrections

    (tmp_path / "classification_corrections.csv").write_bytes(
        b"kind,match,tech_category,note\r\nsupplier,Caf\xe9 Ltd,none,caf\xe9\r\n"
    )
    assert load_corrections(tmp_path).for_supplier("Caf\u00e9 Limited")[1].endswith("not technology; caf\u00e9")


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        ("tech_rules", lambda t: t + "quantum,keyword,\\bqubits?\\b,30,\n", r"tech_category 'quantum' is not a cat"),
        ("tech_rules", lambda t: t + "software,keyword,\\bfoo(,35,broken\n", r"pattern '\\\\bfoo\(' is not a regular"),
        ("tech_categories", lambda t: t + t.splitlines()[3] + "\n", r"tech_category 'it_services' is already on row 4"),
        ("boroughs", lambda t: t + t.splitlines()[2] + "\n", r"borough_code 'E09000002' is already on row 3"),
        ("tech_categories", lambda t: t.replace(",", ";"), r"row 1: the columns are separated by semicolons"),
        # found by a diff review: these files were not read by the check, and failed later as "a bug"...
        ("search_synonyms", lambda t: t.replace(",", ";"), r"search_synonyms.csv: row 1: .* semicolons"),
        ("spend_columns", lambda t: t.replace(",", ";"), r"spend_columns.csv: row 1: .* semicolons"),
        # ...and a quote left open ran on to the end of a small file, read one way here and another by DuckDB
        ("borough_aliases", lambda t: t.replace("\n", '\n"', 1), r"borough_aliases.csv: row 2 holds a value over"),
    ],
)
def test_a_reference_value_or_key_mistyped_is_refused_naming_file_and_row(
    tmp_path: Path, name: str, edit, message: str
) -> None:
    """Before, these failed the build with a model check's dump naming no file, or exit 70 (a KeyError, re.error)."""
    from loti_demand.exceptions import ReferenceDataError
    from loti_demand.warehouse.reference_checks import check_reference

    reference = tmp_path / "reference"
    shutil.copytree(Reference().folder, reference)
    path = reference / f"{name}.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=f"{name}.csv: row .*{message}" if "row" not in message else message):
        check_reference(Reference(reference))


@pytest.mark.parametrize("damage", ["not utf-8", "missing"])
def test_the_watched_terms_file_not_utf8_or_missing_is_refused_naming_it(tmp_path: Path, damage: str) -> None:
    """Found by a diff review: technology_terms.csv was not read by the check; DuckDB's error was "a bug"."""
    from loti_demand.exceptions import ReferenceDataError
    from loti_demand.warehouse.reference_checks import check_reference

    reference = tmp_path / "reference"
    shutil.copytree(Reference().folder, reference)
    path = reference / "technology_terms.csv"
    if damage == "missing":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes() + b"caf\xe9\n")
    expected = "missing; the build needs it" if damage == "missing" else r"row \d+ is not UTF-8"
    with pytest.raises(ReferenceDataError, match=f"technology_terms.csv: {expected}"):
        check_reference(Reference(reference))


def test_reference_files_saved_by_excel_with_a_byte_order_mark_are_read(tmp_path: Path) -> None:
    from loti_demand.warehouse.reference_checks import check_reference

    reference = tmp_path / "reference"
    shutil.copytree(Reference().folder, reference)
    for name in ("tech_categories", "boroughs"):
        path = reference / f"{name}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    check_reference(Reference(reference))
    assert Reference(reference).borough_names == Reference().borough_names
    assert Reference(reference).table("tech_categories") == Reference().table("tech_categories")


def test_a_bad_corrections_file_keeps_the_warehouse_and_a_line_correcting_nothing_is_reported(tmp_path: Path) -> None:
    from loti_demand.exceptions import ReferenceDataError

    data = _data_with(tmp_path, ["01/04/2025,Brightwater Ltd,3000.00,Software licences,ICT"], [])
    con = _build_with_corrections(tmp_path, data, "")
    con.close()
    before = (tmp_path / "w.duckdb").read_bytes()
    corrections = tmp_path / "reference" / "classification_corrections.csv"
    corrections.write_text(CORRECTIONS_HEADER + "suppliers,Brightwater Ltd,none,\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"row 2: kind 'suppliers'"):
        build(data, tmp_path / "w.duckdb", reference=Reference(tmp_path / "reference"))
    assert (tmp_path / "w.duckdb").read_bytes() == before
    corrections.write_text(
        CORRECTIONS_HEADER + "line,spend/camden/2025-04.csv:2,none,\nline,spend/camden/2025-04.csv:99,none,\n"
        "line,spend/camden/nope.csv:2,none,\n",
        encoding="utf-8",
    )
    report = build(data, tmp_path / "w.duckdb", reference=Reference(tmp_path / "reference"))
    assert [w.split("classification_corrections.csv ")[1] for w in report.warnings] == [
        "row 3: no loaded spend line is spend/camden/2025-04.csv:99, so it corrects nothing; that file has 1 loaded "
        "lines, check the row number",
        "row 4: no loaded spend line is spend/camden/nope.csv:2, so it corrects nothing; no loaded file has that path "
        "(as source_files.path gives it): check the path",
    ]
