"""Generate synthetic but realistic input data, in the formats councils and government really publish.

`generate(out_dir)` writes `spend/<borough>/...` (five council layouts, three financial years),
`procurement/*.json` (OCDS 1.1 release packages in the Find a Tender and Contracts Finder styles) and
`challenges/challenges.csv`. Everything is derived from the seed and fixed dates: two runs give the same
bytes. Supplier, project and challenge names are fictional. Standard library plus openpyxl only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import random
import re
import shutil
import uuid
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

DEFAULT_SEED = 20261126
AS_OF = dt.date(2026, 4, 1)
FIXED_TIMESTAMP = dt.datetime(2026, 4, 1, 9, 0, 0)
ZIP_DATE_TIME = (2026, 4, 1, 9, 0, 0)
FINANCIAL_YEARS = (2023, 2024, 2025)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PENNY = Decimal("0.01")
BAD_LINE_RATE = 1 / 1500
REPEATED_LINES = 10
MARKER = "SAMPLE.md"
LAYOUT_NAMES = ("preamble", "lga", "bom", "xlsx", "cp1252")

# --------------------------------------------------------------------------------------------------
# Fictional suppliers. Tech suppliers are grouped by the tech category they mostly sell into; the first
# names in each group dominate it (Zipf-like weights). Names marked with a company number get a made-up
# 8-digit number starting 99 (not yet issued by Companies House) and a VAT number starting 999.
# --------------------------------------------------------------------------------------------------
TECH_SUPPLIERS: dict[str, tuple[str, ...]] = {
    "software": (
        "Brightline Software Limited", "Larkspur Systems Ltd", "Meridale Solutions Ltd",
        "Copperfield Civic Software Ltd", "Tallis Row Technologies Ltd", "Orchardine Software plc",
        "Wexcombe Data Systems Ltd", "Fennimore Public Sector Software Ltd",
    ),
    "cloud_hosting": (
        "Northwind Cloud Ltd", "Stratosfen Hosting Ltd", "Cirrowell Cloud Services Ltd", "Bluequill Hosting Ltd",
        "Nimbusgate Ltd",
    ),
    "it_services": (
        "Thamesgate IT Services Ltd", "Harrowfield Managed IT Ltd", "Corvedale Consulting LLP",
        "Pennant Bridge Technology Ltd", "Ashgrove Digital Support Ltd", "Kilnworth IT Ltd", "Marlstone Partners LLP",
    ),
    "digital_delivery": (
        "Ferrydale Digital Ltd", "Wrenhaven Studio Ltd", "Lanternfly Digital Ltd", "Sixpenny Lane Ltd",
        "Hollyhock Digital Ltd",
    ),
    "devices": (
        "Greyfriars Computing Supplies Ltd", "Tillingham Devices Ltd", "Oakmere Technology Ltd",
        "Brackenbury Hardware Ltd", "Stoneacre Computers Ltd",
    ),
    "it_infrastructure": (
        "Ironbridge Datacentres Ltd", "Foxhollow Infrastructure Ltd", "Carrack Systems Ltd", "Deepwell Storage Ltd",
    ),
    "networks_telecoms": (
        "Quayside Networks plc", "Holloway Telecom Ltd", "Fernleigh Communications Ltd", "Saltmarsh Connect Ltd",
        "Linnet Mobile Ltd", "Arbourline Networks Ltd", "Kingsreach Voice Ltd",
    ),
    "data_analytics": ("Kestrel Data Ltd", "Clearwater Insight Ltd", "Tidemark Analytics Ltd", "Lodestar Metrics Ltd"),
    "geospatial": ("Contourline Mapping Ltd", "Waymark Geodata Ltd", "Plotwell GIS Ltd"),
    "cyber_security": (
        "Bastionmere Security Ltd", "Wardenfield Cyber Ltd", "Moatside Cyber Ltd", "Gatewarden Security Ltd",
    ),
    "smart_city_iot": ("Lampwick Sensors Ltd", "Streetglow IoT Ltd", "Puddleby Smart Places Ltd"),
    "print_document": (
        "Inkwell Office Solutions Ltd", "Copperplate Print Management Ltd", "Quillfield Document Services Ltd",
    ),
    "ict_other": ("Tradewind IT Supplies Ltd", "Mercator Technology Resellers Ltd", "Hexley Technology Group Ltd"),
}

NON_TECH_SUPPLIERS: dict[str, tuple[str, ...]] = {
    "care_adult": (
        "Ashcombe House Care Ltd", "Bramblefield Nursing Homes Ltd", "Cedarvale Homecare Ltd",
        "Dovecote Lodge Residential Care Ltd", "Elmsgrove Supported Living Ltd", "Foxglove Home Care Services Ltd",
        "Glebe End Care Ltd", "Hartsbourne Care Partnership LLP", "Ivymead Court Care Ltd",
        "Juniper Rise Care Homes Ltd", "Kettlewell Homecare Ltd", "Larchmont Living Ltd", "Mistletoe Lane Care Ltd",
        "Nettlebed Residential Ltd", "Sandpiper Day Centres Ltd", "Tumbledown Respite Care Ltd",
    ),
    "care_children": (
        "Oakapple Fostering Ltd", "Pebblebrook Children's Homes Ltd", "Quillpond Family Placements Ltd",
        "Rowanberry Children's Services Ltd", "Seedling Nurseries Ltd", "Thistledown Fostering Agency Ltd",
        "Upland Hill Residential Schools Ltd", "Violet Close Children's Care Ltd",
    ),
    "construction": (
        "Westerby Construction Ltd", "Yarrowfield Builders Ltd", "Zennor Civil Engineering Ltd",
        "Alderbrook Roofing Ltd", "Beckwith & Sons Building Contractors Ltd", "Carrowmore Highways Ltd",
        "Dunsfold Surfacing Ltd", "Edgecott Lifts Ltd", "Fairholme Electrical Contractors Ltd",
        "Gorsebrook Plumbing & Heating Ltd", "Hazelmere Scaffolding Ltd", "Inchbrook Groundworks Ltd",
        "Jessamine Windows Ltd", "Kingcup Maintenance Services Ltd", "Weathercock Paving Ltd",
    ),
    "agency": (
        "Lattimer Recruitment Ltd", "Mayfield Interim People Ltd", "Nettlefold Locums Ltd", "Orrinsmith Staffing Ltd",
        "Palisade Workforce Ltd", "Quorndon Interim Ltd", "Redwing Social Work Recruitment Ltd",
        "Sallowby Staffing Solutions Ltd",
    ),
    "waste": (
        "Tansy Waste Services Ltd", "Umberleigh Recycling Ltd", "Verdigris Environmental Ltd",
        "Woolpack Grounds Maintenance Ltd", "Yellowhammer Landscapes Ltd", "Amberly Tree Surgery Ltd",
    ),
    "grants": (
        "Ashfield Community Trust", "Bellfounders Youth Project", "Canalside Food Bank", "Dockside Advice Centre",
        "Eastway Carers Association", "Fernbank Mental Health Forum", "Greenlink Tenants Federation",
        "Hopscotch Play Association", "Inkerman Street Community Centre", "Jubilee Wharf Arts Trust",
        "Kiteflyers Refugee Welcome", "Lamplight Older People's Club", "Millpond Credit Union Ltd",
        "Newlyn Walk Youth Club", "Orchard Gate Housing Association Ltd", "Parkside Sports Trust",
    ),
    "legal": (
        "Quarterdeck Chambers", "Ravenglass Legal LLP", "Sealbrook Solicitors LLP", "Trenchard Row Barristers",
        "Underhill & Pike Solicitors LLP",
    ),
    "office": (
        "Vellum & Quire Office Supplies Ltd", "Wickham Stationers Ltd", "Yewtree Office Furniture Ltd",
        "Zephyr Paper Co Ltd", "Amblecote Print & Post Ltd",
    ),
    "catering": (
        "Bakehouse Lane Catering Ltd", "Café Lumière Events Ltd", "Dumpling Street Kitchens Ltd",
        "Elderflower School Meals Ltd", "Fig & Olive Catering Ltd",
    ),
    "property": (
        "Gatehouse Estates Ltd", "Harbourside Property Investments Ltd", "Ingleby Lettings Ltd",
        "Jollyboat Properties Ltd", "Kestle Mill Estates Ltd", "Longacre Nightly Lets Ltd",
        "Marchmont Lodge Hostels Ltd", "Nightingale Row Bed & Breakfast Ltd",
    ),
    "utilities": ("Oxbow Energy Supply Ltd", "Pylonford Power Ltd", "Quenchwell Water Services Ltd",
                  "Radiant Gas Trading Ltd"),
    "transport": (
        "Saddleback Coaches Ltd", "Tollgate Taxis Ltd", "Underbridge Fleet Hire Ltd", "Vantage Minibus Services Ltd",
        "Wheelwright Fuel Cards Ltd", "Axlebury Vehicle Leasing Ltd",
    ),
    "facilities": (
        "Brightpenny Cleaning Services Ltd", "Clovelly Janitorial Ltd", "Dewdrop Facilities Ltd",
        "Eyebright Guarding Ltd", "Farrowdale Security Services Ltd", "Gallowtree Pest Control Ltd",
    ),
    "professional": (
        "Hawksmoor Advisory LLP", "Ironmonger Actuarial LLP", "Jackdaw Training Ltd",
        "Kittiwake Insurance Services Ltd", "Lanyard Learning Ltd", "Mulberry Audit Partners LLP",
        "Nutmeg Interpreting Services Ltd",
    ),
    "leisure": ("Otterburn Leisure Trust", "Pennywhistle Events Ltd", "Quaver Music Hub", "Rushmere Swimming Trust",
                "Brookhollow Playground Equipment Ltd"),
}

# Suppliers that publish an identifier (company number and VAT number) in the LGA and BOM layouts.
IDENTIFIED_SUPPLIERS = frozenset({
    "Brightline Software Limited", "Larkspur Systems Ltd", "Northwind Cloud Ltd", "Thamesgate IT Services Ltd",
    "Quayside Networks plc", "Holloway Telecom Ltd", "Greyfriars Computing Supplies Ltd", "Kestrel Data Ltd",
    "Ferrydale Digital Ltd", "Ironbridge Datacentres Ltd", "Bastionmere Security Ltd", "Inkwell Office Solutions Ltd",
    "Tradewind IT Supplies Ltd", "Meridale Solutions Ltd", "Harrowfield Managed IT Ltd",
    "Westerby Construction Ltd", "Lattimer Recruitment Ltd", "Tansy Waste Services Ltd", "Ashcombe House Care Ltd",
    "Oxbow Energy Supply Ltd", "Carrowmore Highways Ltd", "Brightpenny Cleaning Services Ltd",
})
REDACTED_NAMES = ("REDACTED", "Redacted under DP Act", "Personal Data", "REDACTED UNDER DP ACT")

# The category each ProClass ICT code gets from the proclass rules in tech_rules.csv. ProClass wins over
# keywords, and has only five ICT sub-headings, so an LGA-schema publisher's cyber or cloud line is filed
# under "ICT : Services" (it_services) as the rules stand.
PROCLASS_CATEGORIES = {"271000": "networks_telecoms", "271200": "devices", "271300": "it_services",
                       "271500": "it_services", "271600": "software", "270000": "ict_other"}

# --------------------------------------------------------------------------------------------------
# Expenditure categories. Each tech type has the labels councils use for it (one is picked per borough),
# purpose texts, and the ProClass code an LGA-schema publisher would give it. Every label and purpose is
# checked against data/reference/tech_rules.csv by tests/test_sample.py.
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpenseType:
    """One kind of expenditure as councils label it, and how it should be classified."""

    key: str
    tech_category: str | None
    labels: tuple[str, ...]
    purposes: tuple[str, ...]
    proclass: tuple[str, str]
    weight: float = 1.0
    scale: float = 1.0

    def category_in(self, layout: str) -> str | None:
        """The tech category the rules give this line in a layout: the ProClass code decides in 'lga'."""
        if layout == "lga" and self.tech_category:
            return PROCLASS_CATEGORIES[self.proclass[1]]
        return self.tech_category


SYSTEMS = (
    "revenues and benefits system", "housing management system", "social care case management system",
    "planning and building control system", "finance and HR system", "parking permits system",
    "library management system", "electoral registration system", "customer relationship management platform",
    "document management system",
)
TEAMS = ("adult social care", "children's services", "housing officers", "libraries", "schools", "contact centre",
         "planning", "environmental health")
PROJECTS = ("technology roadmap", "service redesign", "migration programme", "architecture review",
            "programme assurance", "contract exit planning")

TECH_TYPES: tuple[ExpenseType, ...] = (
    ExpenseType("software_licences", "software",
                ("Software Licences", "Computer Software - Licences", "Software Licence Fees", "ICT Software Licences"),
                ("Annual software licence renewal - {system}", "Software subscription {period}"),
                ("ICT : Software", "271600"), 14, 1.3),
    ExpenseType("software_maintenance", "software",
                ("Computer Software - Maintenance", "Software Support & Maintenance", "Application Support",
                 "System Support and Maintenance"),
                ("Software support and maintenance - {system}", "Application support {period} - {system}"),
                ("ICT : Software", "271600"), 12, 1.2),
    ExpenseType("cloud", "cloud_hosting",
                ("Cloud Services", "Hosting Services", "Cloud Subscriptions", "Web Hosting"),
                ("Cloud hosting charges {period}", "Cloud platform subscription {period}"),
                ("ICT : Services", "271500"), 8, 1.0),
    ExpenseType("it_consultancy", "it_services",
                ("IT Consultancy", "ICT Consultancy", "Computer Consultancy"),
                ("IT consultancy - {project}", "ICT support services - {project}"),
                ("ICT : Services", "271500"), 6, 1.1),
    ExpenseType("it_managed", "it_services",
                ("IT Managed Service", "IT Support Services", "IT Service Desk", "Computer Maintenance"),
                ("IT managed service charges {period}", "IT service desk support {period}"),
                ("ICT : Maintenance", "271300"), 8, 1.2),
    ExpenseType("hardware", "devices",
                ("IT Hardware", "Computer Equipment Purchase", "ICT Equipment", "Computer Hardware"),
                ("Laptops for {team}", "Desktop PCs and docking stations", "Chromebooks for {team}"),
                ("ICT : Hardware", "271200"), 10, 0.8),
    ExpenseType("infrastructure", "it_infrastructure",
                ("Server Hardware", "Data Centre Services", "Server Infrastructure"),
                ("Server replacement - {project}", "Data centre colocation {period}"),
                ("ICT : Hardware", "271200"), 3, 1.0),
    ExpenseType("telephony", "networks_telecoms",
                ("Telephony", "Telephones", "Telecommunications", "Mobile Phones", "Mobile Telephony"),
                ("Mobile phone contract {period}", "Telephony line rental {period}"),
                ("ICT : Call Systems", "271000"), 8, 0.6),
    ExpenseType("data_lines", "networks_telecoms",
                ("Data Lines", "Network Services", "Broadband", "WAN Services"),
                ("Data line rental {period}", "Corporate WAN and broadband {period}"),
                ("ICT : Call Systems", "271000"), 6, 0.6),
    ExpenseType("data", "data_analytics",
                ("Data Analytics Services", "Business Intelligence", "Data Processing Services"),
                ("Business intelligence dashboards - {team}", "Data matching service {period}"),
                ("ICT : Services", "271500"), 4, 0.8),
    ExpenseType("gis", "geospatial",
                ("GIS Software", "Digital Mapping", "Mapping Data"),
                ("GIS licences and support", "Aerial imagery subscription"),
                ("ICT : Software", "271600"), 2, 0.5),
    ExpenseType("cyber", "cyber_security",
                ("Cyber Security Services", "Cyber Security", "Information Security Services"),
                ("Penetration testing {period}", "Endpoint protection renewal"),
                ("ICT : Services", "271500"), 4, 0.7),
    ExpenseType("iot", "smart_city_iot",
                ("Smart City Sensors", "IoT Services", "Telematics", "Telemetry Services"),
                ("Air quality sensors - data subscription", "Vehicle telematics {period}",
                 "Smart parking sensor maintenance"),
                ("ICT : Hardware", "271200"), 2, 0.6),
    ExpenseType("print", "print_document",
                ("Printing Equipment/MFDs", "Photocopier Rental", "Managed Print Service", "MFD Lease"),
                ("Multi-function device lease {period}", "Managed print click charges {period}"),
                ("ICT : Hardware", "271200"), 4, 0.4),
    ExpenseType("digital", "digital_delivery",
                ("Website Development", "Digital Transformation", "Web Development", "App Development"),
                ("Website redesign - {team}", "User research and service design - {team}"),
                ("ICT : Services", "271500"), 5, 0.9),
    ExpenseType("ict_other", "ict_other",
                ("ICT Purchases", "Computing Costs", "ICT Expenditure", "Other Computing"),
                ("ICT purchases - {team}", "Computing costs {period}"),
                ("ICT", "270000"), 4, 0.6),
)

NON_TECH_TYPES: tuple[ExpenseType, ...] = (
    ExpenseType("care_adult", None, ("Residential Care", "Domiciliary Care", "Nursing Care", "Supported Living"),
                ("Care package {period}", "Weekly care fees {period}", "Carers network grant"),
                ("SOCIAL CARE : Residential Care", "321017"), 18, 1.6),
    ExpenseType("care_children", None, ("Children's Residential Placements", "Independent Fostering Agency",
                                        "Nursery Education Funding"),
                ("Placement fees {period}", "Early years funding {period}"),
                ("SC : Children Residential Care", "321117"), 10, 1.8),
    ExpenseType("construction", None, ("Building Repairs", "Highways Maintenance", "Capital Works", "Lift Maintenance"),
                ("Responsive repairs {period}", "Carriageway resurfacing", "Network Rail access charges"),
                ("CONSTRUCTION : Buildings", "391100"), 12, 1.6),
    ExpenseType("agency", None, ("Agency Staff", "Interim Staff"),
                ("Agency social worker {period}", "Interim staff timesheets {period}"),
                ("HR : Temporary & Agency Staff", "261400"), 10, 0.9),
    ExpenseType("waste", None, ("Waste Collection", "Grounds Maintenance", "Tree Works"),
                ("Recycling collection {period}", "Parks grounds maintenance {period}"),
                ("Waste Mgt : Waste Collection", "182013"), 6, 1.3),
    ExpenseType("grants", None, ("Grants to Voluntary Orgs", "Community Grants", "Voluntary Sector Contracts"),
                ("Community grant instalment", "Advice services grant {period}"),
                ("FINANCIAL SERVICES : Grants", "201700"), 8, 0.8),
    ExpenseType("legal", None, ("Legal Fees", "Counsel Fees"),
                ("Counsel fees - childcare proceedings", "Legal advice - property"),
                ("LEGAL SERVICES : Specialist", "281400"), 4, 0.8),
    ExpenseType("office", None, ("Stationery", "Office Furniture", "Printing and Leaflets", "Postage"),
                ("Stationery order", "Leaflet printing - council tax", "Data protection training materials"),
                ("MAIL SERVICES : Postage", "301200"), 4, 0.3),
    ExpenseType("catering", None, ("Catering", "School Meals"),
                ("School meals {period}", "Civic event catering"),
                ("CATERING : Services", "120000"), 3, 0.6),
    ExpenseType("property", None, ("Rents", "Temporary Accommodation", "Bed and Breakfast Accommodation"),
                ("Nightly paid accommodation {period}", "Lease rent quarter"),
                ("FM : Property Management", "191700"), 8, 1.0),
    ExpenseType("utilities", None, ("Utilities - Electricity", "Utilities - Gas", "Water Charges"),
                ("Electricity supply {period}", "Gas supply {period}"),
                ("UTILITIES : Gas", "371100"), 4, 1.1),
    ExpenseType("transport", None, ("Home to School Transport", "Vehicle Hire", "Taxi Services", "Fuel"),
                ("SEN transport routes {period}", "Fleet vehicle hire {period}"),
                ("TRANSPORT : Passenger", "361300"), 5, 0.8),
    ExpenseType("facilities", None, ("Cleaning Services", "Security Services", "Pest Control"),
                ("Office cleaning {period}", "Manned guarding {period}"),
                ("CLEANING: Services", "131300"), 4, 0.8),
    ExpenseType("professional", None, ("Consultancy Fees", "Audit Fees", "Training", "Insurance",
                                       "Interpretation & Translation"),
                ("Professional advice {period}", "Staff training course", "Interpreting services {period}"),
                ("HR : Training & Conferences", "261500"), 5, 0.8),
    ExpenseType("leisure", None, ("Leisure Management Fee", "Events", "Play Equipment"),
                ("Leisure contract management fee {period}", "Summer festival costs"),
                ("LEISURE : Sport & Fitness", "291400"), 3, 1.0),
)

TECH_DEPARTMENTS = ("Digital and ICT", "Resources - ICT", "Corporate Services - Technology", "Digital Services",
                    "Customer and Digital Services", "Finance and Resources")
DEPARTMENTS = {
    "care_adult": ("Adult Social Care", "Adults' and Community Services", "Adults and Health"),
    "care_children": ("Children's Services", "Children and Young People's Service", "Children and Families"),
    "construction": ("Housing Repairs", "Highways and Transport", "Property Services"),
    "agency": ("Adult Social Care", "Children's Services", "Housing Needs", "Resources"),
    "waste": ("Environment and Streets", "Neighbourhoods", "Parks and Open Spaces"),
    "grants": ("Communities", "Community Safety and Inclusion"),
    "legal": ("Legal Services", "Governance and Law"),
    "office": ("Corporate Services", "Resources"),
    "catering": ("Education", "Schools Catering"),
    "property": ("Housing Needs", "Property Services"),
    "utilities": ("Property Services", "Facilities Management"),
    "transport": ("SEND Transport", "Fleet Services"),
    "facilities": ("Facilities Management", "Corporate Property"),
    "professional": ("Finance", "Human Resources", "Chief Executive's Office"),
    "leisure": ("Culture and Leisure", "Parks and Open Spaces"),
}
CREDITOR_TYPES = {"grants": "Voluntary Organisation", "redacted": "Individual"}
DEFAULT_CREDITOR_TYPE = "Business"

# ITL 2021 level-3 areas of London, by borough, for the address.region of buyers in notices.
ITL3_LONDON = {
    "E09000001": "UKI31", "E09000007": "UKI31", "E09000033": "UKI32", "E09000020": "UKI33", "E09000013": "UKI33",
    "E09000032": "UKI34", "E09000012": "UKI41", "E09000025": "UKI41", "E09000030": "UKI42", "E09000014": "UKI43",
    "E09000019": "UKI43", "E09000023": "UKI44", "E09000028": "UKI44", "E09000022": "UKI45", "E09000004": "UKI51",
    "E09000011": "UKI51", "E09000002": "UKI52", "E09000016": "UKI52", "E09000026": "UKI53", "E09000031": "UKI53",
    "E09000010": "UKI54", "E09000006": "UKI61", "E09000008": "UKI62", "E09000024": "UKI63", "E09000021": "UKI63",
    "E09000029": "UKI63", "E09000003": "UKI71", "E09000005": "UKI72", "E09000009": "UKI73", "E09000015": "UKI74",
    "E09000017": "UKI74", "E09000018": "UKI75", "E09000027": "UKI75",
}
ROYAL_BOROUGHS = {"E09000020", "E09000021", "E09000011"}


# --------------------------------------------------------------------------------------------------
# Small helpers: dates, money, slugs, stable archives
# --------------------------------------------------------------------------------------------------


def slugify(name: str) -> str:
    """'Barking and Dagenham' -> 'barking-and-dagenham'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def fy_label(start_year: int) -> str:
    """2024 -> '2024-25'."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def quarter_months(start_year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of quarter 1..4 of a UK financial year (Q1 = April to June)."""
    month0 = 3 + 3 * (quarter - 1)
    first = dt.date(start_year + month0 // 12, month0 % 12 + 1, 1)
    month3 = month0 + 3
    last = dt.date(start_year + month3 // 12, month3 % 12 + 1, 1) - dt.timedelta(days=1)
    return first, last


def month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def random_weekday(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    """A uniformly chosen Monday-to-Friday date in [first, last]."""
    while True:
        day = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
        if day.weekday() < 5:
            return day


def random_date(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange(max(1, (last - first).days + 1)))


def pounds(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def lognormal_amount(rng: random.Random, median: float, sigma: float, low: float, high: float) -> Decimal:
    """A log-normally distributed amount in pounds, clipped to [low, high]."""
    value = median * math.exp(sigma * rng.gauss(0.0, 1.0))
    return pounds(min(max(value, low), high))


def log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def weighted_choice(rng: random.Random, items: Sequence, weights: Sequence[float]):
    """Pick one item with the given relative weights (cumulative search; stable across Python versions)."""
    total = sum(weights)
    target = rng.random() * total
    running = 0.0
    for item, weight in zip(items, weights, strict=True):
        running += weight
        if target < running:
            return item
    return items[-1]


def zipf_weights(n: int, exponent: float = 1.3) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, n + 1)]


def stable_zip(entries: dict[str, bytes]) -> bytes:
    """A ZIP of the entries, sorted, with fixed timestamps and attributes, so the bytes never change."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def csv_text(rows: Sequence[Sequence[object]], lineterminator: str = "\r\n") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=lineterminator)
    writer.writerows(rows)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------
# Boroughs and suppliers
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Borough:
    code: str
    name: str
    population: int
    layout: str

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def official_name(self) -> str:
        """The council's corporate name as it heads its own publications."""
        if self.code == "E09000001":
            return "City of London Corporation"
        if self.code == "E09000033":
            return "Westminster City Council"
        prefix = "Royal Borough of" if self.code in ROYAL_BOROUGHS else "London Borough of"
        return f"{prefix} {self.name}"


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_boroughs(reference_dir: Path, seed: int) -> list[Borough]:
    """The 33 boroughs from boroughs.csv, each given one of the five layouts (shuffled, spread evenly)."""
    rows = sorted(read_csv_rows(reference_dir / "boroughs.csv"), key=lambda r: r["borough_code"])
    order = list(range(len(rows)))
    random.Random(f"{seed}:layouts").shuffle(order)
    names = list(LAYOUT_NAMES)
    layout_of = {index: names[position % len(names)] for position, index in enumerate(order)}
    return [Borough(r["borough_code"], r["borough_name"], int(r["population"]), layout_of[i])
            for i, r in enumerate(rows)]


@dataclass(frozen=True)
class Supplier:
    """A fictional supplier: its registered name, what it sells and, for some, published identifiers."""

    name: str
    group: str
    is_tech: bool
    company_number: str | None = None
    vat_number: str | None = None

    @property
    def stem(self) -> str:
        return re.sub(r"\s+(Ltd|Limited|plc|LLP|Co Ltd)\.?$", "", self.name)

    @property
    def legal_form(self) -> str:
        match = re.search(r"\s(Ltd|Limited|plc|LLP|Co Ltd)\.?$", self.name)
        return match.group(1) if match else ""


def build_suppliers(seed: int) -> dict[str, list[Supplier]]:
    """Suppliers by group (tech category or non-tech expense group), in dominance order."""
    rng = random.Random(f"{seed}:suppliers")
    groups: dict[str, list[Supplier]] = {}
    for is_tech, table in ((True, TECH_SUPPLIERS), (False, NON_TECH_SUPPLIERS)):
        for group, names in table.items():
            groups[group] = [_supplier(name, group, is_tech, rng) for name in names]
    return groups


def _supplier(name: str, group: str, is_tech: bool, rng: random.Random) -> Supplier:
    if name not in IDENTIFIED_SUPPLIERS:
        return Supplier(name, group, is_tech)
    return Supplier(name, group, is_tech, f"99{rng.randrange(10**6):06d}", f"999{rng.randrange(10**6):06d}")


NAME_STYLES = ("registered", "upper", "ltd", "ltd_dot", "limited")


def supplier_spelling(supplier: Supplier, style: str) -> str:
    """How one council's finance system spells the supplier ('BRIGHTLINE SOFTWARE LTD', 'Brightline Software Ltd.')."""
    form = supplier.legal_form
    if not form or style == "registered":
        return supplier.name.upper() if style == "upper" else supplier.name
    if form in {"Ltd", "Limited", "Co Ltd"}:
        suffix = {"upper": "LTD", "ltd": "Ltd", "ltd_dot": "Ltd.", "limited": "Limited"}[style]
        if form == "Co Ltd":
            suffix = "Co " + suffix
        text = f"{supplier.stem} {suffix}"
        return text.upper() if style == "upper" else text
    suffix = form.upper() if style == "upper" or form == "LLP" else form  # plc, PLC, LLP
    text = f"{supplier.stem} {suffix}"
    return text.upper() if style == "upper" else text


# --------------------------------------------------------------------------------------------------
# Spend: what each borough paid, before it is written in the borough's layout
# --------------------------------------------------------------------------------------------------


@dataclass
class Payment:
    """One payment line as the council's finance system holds it."""

    transaction: str
    date: dt.date
    department: str
    supplier: Supplier | None
    payee: str
    expense: ExpenseType
    label: str
    purpose: str
    amount: Decimal
    invoice: str
    bad: str | None = None  # "amount" or "date": a deliberately broken value, for the quarantine

    @property
    def is_redacted(self) -> bool:
        return self.supplier is None


@dataclass
class BoroughBook:
    """One borough's finance system: its spellings, labels, vendor numbers and payments by quarter."""

    borough: Borough
    seed: int
    rng: random.Random
    name_style: str
    redaction: str
    labels: dict[str, str]
    departments: dict[str, str]
    supplier_bias: dict[str, float]
    vendor_numbers: dict[str, str] = field(default_factory=dict)
    group_weights: dict[str, list[float]] = field(default_factory=dict)
    quarters: dict[tuple[int, int], list[Payment]] = field(default_factory=dict)

    def vendor_number(self, supplier: Supplier) -> str:
        """The council's own vendor number for a supplier (made up on first use)."""
        if supplier.name not in self.vendor_numbers:
            self.vendor_numbers[supplier.name] = str(self.rng.randrange(1000, 400000))
        return self.vendor_numbers[supplier.name]

    def supplier_id(self, payment: Payment) -> str:
        """Company number where the supplier publishes one, else the vendor number; blank when redacted."""
        if payment.supplier is None:
            return ""
        return payment.supplier.company_number or self.vendor_number(payment.supplier)

    def payments(self, year: int, quarter: int) -> list[Payment]:
        return sorted(self.quarters[(year, quarter)], key=lambda p: (p.date, p.transaction))


TRANSACTION_FORMATS = {
    "preamble": "INV{:07d}", "lga": "51{:08d}", "bom": "{:08d}", "xlsx": "PV{:07d}", "cp1252": "{:09d}",
}


def new_book(borough: Borough, seed: int) -> BoroughBook:
    """Set up a borough's spellings and habits, drawn from its own random stream."""
    rng = random.Random(f"{seed}:spend:{borough.code}")
    labels = {t.key: rng.choice(t.labels) for t in (*TECH_TYPES, *NON_TECH_TYPES)}
    departments = {key: rng.choice(names) for key, names in DEPARTMENTS.items()}
    departments["tech"] = rng.choice(TECH_DEPARTMENTS)
    bias = {s: rng.uniform(0.6, 1.6) for group in (*TECH_SUPPLIERS.values(), *NON_TECH_SUPPLIERS.values())
            for s in group}
    redaction = "REDACTED UNDER DP ACT" if borough.layout == "bom" else rng.choice(REDACTED_NAMES)
    return BoroughBook(borough, seed, rng, rng.choice(NAME_STYLES), redaction, labels, departments, bias)


def lines_per_year(borough: Borough, rng: random.Random) -> int:
    """200 lines for small boroughs up to about 300 for the largest, with some year-to-year jitter."""
    share = min(max((borough.population - 150_000) / 250_000, 0.0), 1.0)
    return round((200 + 100 * share) * rng.uniform(0.97, 1.03))


def tech_amount(rng: random.Random, scale: float) -> Decimal:
    """Tens of thousands typically, with a long tail of contract payments up to a few million."""
    if rng.random() < 0.1:
        return pounds(log_uniform(rng, 250_000, 3_500_000) * min(scale, 1.0))
    return lognormal_amount(rng, 20_000 * scale, 1.4, 520, 400_000)


def non_tech_amount(rng: random.Random, scale: float) -> Decimal:
    return lognormal_amount(rng, 4_000 * scale, 1.4, 505, 200_000)


def choose_supplier(book: BoroughBook, group_key: str, group: list[Supplier]) -> Supplier:
    """Zipf-like market shares, nudged per borough (each council has its favourites)."""
    if group_key not in book.group_weights:
        book.group_weights[group_key] = [w * book.supplier_bias[s.name]
                                         for w, s in zip(zipf_weights(len(group)), group, strict=True)]
    return weighted_choice(book.rng, group, book.group_weights[group_key])


def render_purpose(template: str, day: dt.date, rng: random.Random) -> str:
    return template.format(period=f"{MONTHS[day.month - 1]} {day.year}", system=rng.choice(SYSTEMS),
                           team=rng.choice(TEAMS), project=rng.choice(PROJECTS))


def make_payment(book: BoroughBook, suppliers: dict[str, list[Supplier]], is_tech: bool, day: dt.date) -> Payment:
    """Draw one payment line: its expense type, supplier, amount and wording."""
    rng = book.rng
    types = TECH_TYPES if is_tech else NON_TECH_TYPES
    expense = weighted_choice(rng, types, [t.weight for t in types])
    group_key = expense.tech_category if is_tech else expense.key
    supplier: Supplier | None = choose_supplier(book, group_key, suppliers[group_key])
    if not is_tech and rng.random() < 0.01:
        supplier = None
    amount = (tech_amount if is_tech else non_tech_amount)(rng, expense.scale)
    if rng.random() < 0.03:
        amount = -min(amount, lognormal_amount(rng, 1_500, 1.0, 500, 50_000))
    department = book.departments["tech" if is_tech else expense.key]
    return Payment("", day, department, supplier, payee_name(book, supplier), expense, book.labels[expense.key],
                   render_purpose(rng.choice(expense.purposes), day, rng), amount, str(rng.randrange(10**7, 10**9)))


def payee_name(book: BoroughBook, supplier: Supplier | None) -> str:
    """The supplier as this council spells it; now and then a second vendor record spells it differently."""
    if supplier is None:
        return book.redaction
    style = book.rng.choice(NAME_STYLES) if book.rng.random() < 0.05 else book.name_style
    return supplier_spelling(supplier, style)


def fill_book(book: BoroughBook, suppliers: dict[str, list[Supplier]]) -> None:
    """Generate the borough's payments for every quarter and number them in date order."""
    rng = book.rng
    tech_share = rng.uniform(0.35, 0.45)
    for year in FINANCIAL_YEARS:
        total = lines_per_year(book.borough, rng)
        for quarter in range(1, 5):
            first, last = quarter_months(year, quarter)
            count = total // 4 + (1 if quarter <= total % 4 else 0)
            book.quarters[(year, quarter)] = [
                make_payment(book, suppliers, rng.random() < tech_share, random_weekday(rng, first, last))
                for _ in range(count)
            ]
    number_transactions(book)


def number_transactions(book: BoroughBook) -> None:
    """Give every line a transaction number, increasing with the date and unique within the borough."""
    template = TRANSACTION_FORMATS[book.borough.layout]
    counter = book.rng.randrange(100_000, 900_000)
    for key in sorted(book.quarters):
        for payment in sorted(book.quarters[key], key=lambda p: p.date):
            counter += book.rng.randrange(1, 40)
            payment.transaction = template.format(counter)


def add_repeats(book: BoroughBook, year: int, quarter: int) -> None:
    """Repeat the previous quarter's last lines at the start of this quarter's file (a re-export overlap)."""
    previous = book.payments(year, quarter - 1)[-REPEATED_LINES:]
    book.quarters[(year, quarter)] = previous + book.quarters[(year, quarter)]


def mark_bad_lines(books: list[BoroughBook], seed: int) -> int:
    """Break about one line in 1,500 (amount 'TBC' or the date 31 February), so the quarantine has work."""
    rng = random.Random(f"{seed}:bad-lines")
    marked = 0
    for book in books:
        for key in sorted(book.quarters):
            lines = book.payments(*key)[:-REPEATED_LINES]
            for payment in lines:
                if payment.bad is None and rng.random() < BAD_LINE_RATE:
                    payment.bad = "date" if book.borough.layout == "bom" or rng.random() < 0.5 else "amount"
                    marked += 1
    return marked


def build_spend(boroughs: list[Borough], suppliers: dict[str, list[Supplier]], seed: int) -> list[BoroughBook]:
    """Every borough's payments, with the deliberate bad lines and repeated lines in place."""
    books = []
    for borough in boroughs:
        book = new_book(borough, seed)
        fill_book(book, suppliers)
        books.append(book)
    mark_bad_lines(books, seed)
    for book in repeat_books(books):
        add_repeats(book, 2024, 3)
    return books


def repeat_books(books: list[BoroughBook]) -> list[BoroughBook]:
    """The two boroughs whose 2024-25 Q3 file overlaps Q2: the first BOM and the first cp1252 publisher."""
    chosen = []
    for layout in ("bom", "cp1252"):
        chosen.extend([b for b in books if b.borough.layout == layout][:1])
    return chosen


# --------------------------------------------------------------------------------------------------
# Layout writers: one per council publication style, registered in LAYOUTS
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutputFile:
    """A file to write under the borough's folder, and how many payment lines it holds."""

    name: str
    data: bytes
    lines: int


def date_dmy(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def date_dmony(day: dt.date) -> str:
    return f"{day.day:02d}-{MONTHS[day.month - 1]}-{day.year}"


def amount_thousands(amount: Decimal) -> str:
    """'1,534.24', '-1,534.24', and whole pounds without pence ('900'), as Lambeth's report prints them."""
    if amount == amount.to_integral_value():
        return f"{amount:,.0f}"
    return f"{amount:,.2f}"


def amount_padded(amount: Decimal) -> str:
    """' 1,234.56 ': Devon's export pads every amount with a space either side."""
    return f" {amount:,.2f} "


def amount_pounds(amount: Decimal) -> str:
    """'£1,234.56', credits in brackets '(£120.00)'."""
    text = f"£{abs(amount):,.2f}"
    return f"({text})" if amount < 0 else text


def bad_or(payment: Payment, column: str, good: str, bad: str) -> str:
    return bad if payment.bad == column else good


def quarter_files(book: BoroughBook, year: int) -> Iterator[tuple[int, list[Payment]]]:
    for quarter in range(1, 5):
        yield quarter, book.payments(year, quarter)


# Layout 1 - "preamble": a report export with a title block before the header (like Lambeth).
PREAMBLE_HEADER = ("Body", "Department", "Supplier Name", "Invoice Creation Date", "Invoice Nett Amount",
                   "Subj Description")


def preamble_lines(book: BoroughBook, year: int, quarter: int) -> list[list[str]]:
    """6 to 9 report lines before the header: title, report date, parameters, blank lines."""
    first, last = quarter_months(year, quarter)
    run = last + dt.timedelta(days=2 + (quarter * 3 + year) % 9)
    lines = [
        [f"{book.borough.name} Invoices Over Specified Nett Amount"], [],
        [f"Report Date:\u2020 {date_dmy(run)}\u2020 16:{(year + quarter) % 60:02d}:18"], [],
        ["Parameters: "],
        [f"Invoice Approval Date From:\u2020 {first.day:02d}-{MONTHS[first.month - 1].upper()}-{first.year}"],
        [f"Invoice Approval Date To:\u2020 {last.day:02d}-{MONTHS[last.month - 1].upper()}-{last.year}"],
        ["Invoice Threshold Nett Amt:\u2020 500"], [],
    ]
    dropped = (3, 4, 1)[: int(book.borough.code[-2:]) % 4]  # leave out 0-3 optional lines: 6 to 9 in all
    return [line + [""] * (len(PREAMBLE_HEADER) - len(line)) for i, line in enumerate(lines) if i not in dropped]


def preamble_row(book: BoroughBook, p: Payment) -> list[str]:
    return [book.borough.name, p.department, p.payee, bad_or(p, "date", date_dmy(p.date), f"31/02/{p.date.year}"),
            bad_or(p, "amount", amount_thousands(p.amount), "TBC"), p.label.upper()]


def write_preamble(book: BoroughBook, year: int) -> list[OutputFile]:
    """One CSV per quarter, sorted by supplier as the report prints it; no transaction numbers."""
    files = []
    for quarter, payments in quarter_files(book, year):
        first, last = quarter_months(year, quarter)
        ordered = sorted(payments, key=lambda p: (p.payee.upper(), p.date, p.transaction))
        rows = [*preamble_lines(book, year, quarter), list(PREAMBLE_HEADER), *(preamble_row(book, p) for p in ordered)]
        name = f"invoices-over-500-{first:%Y-%m}-to-{last:%Y-%m}.csv"
        files.append(OutputFile(name, csv_text(rows, "\n").encode("utf-8"), len(ordered)))
    return files


# Layout 2 - "lga": the LGA spend-data schema (like Trafford); older years archived as ZIPs.
LGA_HEADER = ("OrganisationLabel", "OrganisationURI", "EffectiveDate", "OrganisationalUnit", "BeneficiaryName",
              "BeneficiaryOtherID", "PaymentDate", "TransactionNumber", "Amount", "IrrecoverableVATAmount", "Purpose",
              "ProclassLabel", "ProclassCode", "InvoiceNumber", "ProfitCentre", "VATRegistrationNumber")


def lga_row(book: BoroughBook, p: Payment) -> list[str]:
    borough = book.borough
    uri = f"https://opendatacommunities.org/id/london-borough-council/{borough.slug}"
    label, code = p.expense.proclass
    vat = f"GB{p.supplier.vat_number}" if p.supplier and p.supplier.vat_number else ""
    profit_centre = str(300000 + sum(map(ord, p.department)) * 7 % 99991)
    return [
        borough.official_name, uri, month_end(p.date).isoformat(), p.department.upper(), p.payee,
        book.supplier_id(p), bad_or(p, "date", p.date.isoformat(), f"{p.date.year}-02-31"), p.transaction,
        bad_or(p, "amount", f"{p.amount:.2f}", "TBC"), "0.00", p.purpose, label, code, p.invoice, profit_centre, vat,
    ]


def is_zip_publisher(book: BoroughBook) -> bool:
    return int(book.borough.code[-2:]) % 2 == 0


def write_lga(book: BoroughBook, year: int) -> list[OutputFile]:
    """One CSV per quarter; some boroughs archive each past year's quarters in one ZIP."""
    files = []
    for quarter, payments in quarter_files(book, year):
        rows = [list(LGA_HEADER), *(lga_row(book, p) for p in payments)]
        name = f"{book.borough.slug}-spend-{fy_label(year)}-q{quarter}.csv"
        files.append(OutputFile(name, csv_text(rows).encode("utf-8"), len(payments)))
    if is_zip_publisher(book) and year < FINANCIAL_YEARS[-1]:
        archive = stable_zip({f.name: f.data for f in files})
        return [OutputFile(f"{book.borough.slug}-spend-{fy_label(year)}.zip", archive, sum(f.lines for f in files))]
    return files


# Layout 3 - "bom": UTF-8 with a byte-order mark, padded amounts and a grand-total row (like Devon 2026).
BOM_HEADER = ("Body", "Name of Body", "Date", "Transaction number", " Amount ", "Supplier name", "Supplier ID",
              "VAT reg no", "Expense area", "Expense type", "Expense code", "Creditor type")


def expense_code(label: str) -> str:
    return f"A{40000 + sum(ord(c) * (i + 1) for i, c in enumerate(label)) % 30000:05d}"


def creditor_type(p: Payment) -> str:
    if p.is_redacted:
        return CREDITOR_TYPES["redacted"]
    return CREDITOR_TYPES.get(p.expense.key, DEFAULT_CREDITOR_TYPE)


def bom_row(book: BoroughBook, p: Payment) -> list[str]:
    vat = p.supplier.vat_number if p.supplier and p.supplier.vat_number else ""
    return [
        book.borough.code, book.borough.official_name, bad_or(p, "date", date_dmy(p.date), f"31/02/{p.date.year}"),
        p.transaction, amount_padded(p.amount), p.payee, book.supplier_id(p), vat, p.department, p.label,
        expense_code(p.label), creditor_type(p),
    ]


def write_bom(book: BoroughBook, year: int) -> list[OutputFile]:
    """One CSV per quarter, ending with blank rows and an unlabelled grand total of the file."""
    files = []
    blank = [""] * len(BOM_HEADER)
    for quarter, payments in quarter_files(book, year):
        total = sum((p.amount for p in payments), Decimal(0))
        total_row = ["", "", "", "", amount_padded(total)] + [""] * (len(BOM_HEADER) - 5)
        trailer = [blank, total_row] + ([blank] if quarter % 2 else [])
        rows = [list(BOM_HEADER), *(bom_row(book, p) for p in payments), *trailer]
        first, last = quarter_months(year, quarter)
        name = f"SpendingOver500_{first:%Y%m}-{last:%Y%m}.csv"
        files.append(OutputFile(name, csv_text(rows).encode("utf-8-sig"), len(payments)))
    return files


# Layout 4 - "xlsx": one workbook per year with a title row and real date and number cells.
XLSX_HEADER = ("Date Paid", "Directorate", "Beneficiary", "Merchant Category", "Purpose", "Amount (£)",
               "Transaction ID")


def xlsx_row(p: Payment) -> list[object]:
    day: object = f"31/02/{p.date.year}" if p.bad == "date" else p.date
    amount: object = "TBC" if p.bad == "amount" else float(p.amount)
    return [day, p.department, p.payee, p.label, p.purpose, amount, p.transaction]


def workbook_bytes(title: str, rows: list[list[object]]) -> bytes:
    """Write a one-sheet workbook and make its bytes reproducible (fixed properties, fixed ZIP entries)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Payments")
    for column, width in zip("ABCDEFG", (12, 30, 38, 30, 48, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.append([title])
    sheet.append([])
    sheet.append(list(XLSX_HEADER))
    for row in rows:
        cells = [WriteOnlyCell(sheet, value) for value in row]
        if isinstance(row[0], dt.date):
            cells[0].number_format = "dd/mm/yyyy"
        cells[5].number_format = "#,##0.00"
        sheet.append(cells)
    book.properties.creator = "loti-demand sample generator"
    book.properties.created = book.properties.modified = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_xlsx(buffer.getvalue())


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def fixed_xlsx(data: bytes) -> bytes:
    """Rewrite an openpyxl workbook: pin docProps/core.xml times (openpyxl stamps 'now') and the ZIP entries."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    entries["docProps/core.xml"] = _CORE_TIMES.sub(lambda m: m.group(1) + stamp + m.group(3),
                                                   entries["docProps/core.xml"])
    return stable_zip(entries)


def write_xlsx(book: BoroughBook, year: int) -> list[OutputFile]:
    """One workbook per financial year."""
    payments = [p for quarter in range(1, 5) for p in book.payments(year, quarter)]
    title = f"{book.borough.official_name} - Payments over £500 - {year}/{(year + 1) % 100:02d}"
    data = workbook_bytes(title, [xlsx_row(p) for p in payments])
    return [OutputFile(f"payments-over-500-{fy_label(year)}.xlsx", data, len(payments))]


# Layout 5 - "cp1252": a Windows export with pound signs and bracketed credits.
CP1252_HEADER = ("Payment Date", "Service Area", "Supplier", "Expense Type", "Amount", "Transaction Number")


def cp1252_row(p: Payment) -> list[str]:
    return [bad_or(p, "date", date_dmony(p.date), f"31-Feb-{p.date.year}"), p.department, p.payee, p.label,
            bad_or(p, "amount", amount_pounds(p.amount), "TBC"), p.transaction]


def write_cp1252(book: BoroughBook, year: int) -> list[OutputFile]:
    """One CSV per quarter, encoded cp1252 (the pound sign is byte 0xA3)."""
    files = []
    for quarter, payments in quarter_files(book, year):
        rows = [list(CP1252_HEADER), *(cp1252_row(p) for p in payments)]
        name = f"{book.borough.slug}_transparency_{fy_label(year)}_q{quarter}.csv"
        files.append(OutputFile(name, csv_text(rows).encode("cp1252"), len(payments)))
    return files


@dataclass(frozen=True)
class Layout:
    """A council publication style and the function that writes one financial year in it."""

    name: str
    description: str
    write: Callable[[BoroughBook, int], list[OutputFile]]


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout("preamble", "CSV (UTF-8) report export with 6-9 preamble lines before the header "
               "(like Lambeth); amounts with thousands separators; no transaction numbers; one file per quarter",
               write_preamble),
        Layout("lga", "LGA spend-data schema CSV (like Trafford) with ProClass codes, ISO dates, negative "
               "credit lines; one file per quarter, past years zipped for some boroughs", write_lga),
        Layout("bom", "UTF-8 CSV with a byte-order mark (like Devon 2026): padded amounts, redacted "
               "individuals, blank trailing rows and an unlabelled grand-total row; one file per quarter", write_bom),
        Layout("xlsx", "Excel workbook per financial year with a title row, Excel date cells and numeric "
               "amounts", write_xlsx),
        Layout("cp1252", "CSV encoded Windows-1252, dates like 05-Apr-2024, amounts like £1,234.56 and "
               "credits like (£120.00); one file per quarter", write_cp1252),
    )
}


# --------------------------------------------------------------------------------------------------
# Procurement: OCDS 1.1 release packages in the Find a Tender (FTS) and Contracts Finder (CF) styles
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """What is bought: a CPV code, the category the rules give it, product-agnostic titles, who wins it."""

    cpv: str
    description: str
    tech_category: str | None
    titles: tuple[str, ...]
    supplier_group: str
    weight: float = 1.0


TECH_SUBJECTS: tuple[Subject, ...] = (
    Subject("48000000", "Software package and information systems", "software",
            ("Replacement housing management system", "Revenues and benefits system re-procurement",
             "Corporate productivity suite licensing", "Adult social care case management system"), "software", 3),
    Subject("48900000", "Miscellaneous software package and computer systems", "software",
            ("Library management system", "Parking permits and enforcement software",
             "Electoral management software"), "software", 1.5),
    Subject("48810000", "Information systems", "software", ("Integrated finance and HR system",), "software"),
    Subject("72260000", "Software-related services", "software",
            ("Application support and development services", "Line-of-business application support"), "software"),
    Subject("48730000", "Security software package", "cyber_security",
            ("Endpoint detection and response", "Email security gateway"), "cyber_security"),
    Subject("48482000", "Business intelligence software package", "data_analytics",
            ("Business intelligence and reporting platform",), "data_analytics"),
    Subject("72310000", "Data-processing services", "data_analytics",
            ("Data warehouse and analytics services", "Single view of the resident data platform"), "data_analytics"),
    Subject("48326100", "Digital mapping system", "geospatial", ("Corporate GIS platform",), "geospatial", 0.5),
    Subject("72000000", "IT services: consulting, software development, Internet and support", "it_services",
            ("ICT strategic partner", "IT service desk and end-user support"), "it_services", 2),
    Subject("72222300", "Information technology services", "it_services",
            ("Cloud migration partner", "Technology programme assurance"), "it_services"),
    Subject("72500000", "Computer-related services", "it_services", ("ICT managed service",), "it_services"),
    Subject("72611000", "Technical computer support services", "it_services",
            ("Schools ICT technical support",), "it_services"),
    Subject("72413000", "World wide web (www) site design services", "digital_delivery",
            ("Council website redesign", "Online forms and resident account"), "digital_delivery"),
    Subject("72230000", "Custom software development services", "digital_delivery",
            ("Digital services development partner", "Resident app development"), "digital_delivery"),
    Subject("72415000", "World wide web (www) site operation host services", "cloud_hosting",
            ("Cloud hosting and managed infrastructure", "Website hosting and support"), "cloud_hosting"),
    Subject("30213000", "Personal computers", "devices",
            ("Laptop and desktop refresh", "Chromebooks for schools"), "devices", 1.5),
    Subject("30200000", "Computer equipment and supplies", "devices", ("End-user device call-off",), "devices"),
    Subject("32412000", "Communications network", "networks_telecoms",
            ("Corporate wide area network replacement", "Public Wi-Fi and street network"), "networks_telecoms", 1.5),
    Subject("64210000", "Telephone and data transmission services", "networks_telecoms",
            ("Mobile voice and data services", "Telephony and contact centre platform"), "networks_telecoms", 1.5),
    Subject("32441000", "Telemetry equipment", "smart_city_iot",
            ("Air quality sensor network", "Smart parking sensors"), "smart_city_iot", 0.6),
    Subject("32323500", "Video-surveillance system", None,
            ("Public space CCTV and smart city camera network",), "smart_city_iot", 0.4),
    Subject("30232100", "Printers and plotters", "print_document",
            ("Multi-function devices and managed print service",), "print_document", 0.7),
    Subject("50312000", "Maintenance and repair of computer equipment", "it_services",
            ("Hardware maintenance and repair",), "it_services", 0.5),
)
NON_TECH_SUBJECTS: tuple[Subject, ...] = (
    Subject("45233000", "Construction, foundation and surface works for highways, roads", None,
            ("Highways resurfacing programme", "Footway improvement works"), "construction"),
    Subject("90910000", "Cleaning services", None, ("Corporate buildings cleaning",), "facilities"),
    Subject("85311000", "Social work services with accommodation", None,
            ("Supported living framework", "Children's residential placements framework"), "care_adult"),
    Subject("90500000", "Refuse and waste related services", None, ("Waste and recycling collection",), "waste"),
    Subject("79710000", "Security services", None, ("Manned guarding and key holding",), "facilities"),
    Subject("55523100", "School-meal services", None, ("School meals service",), "catering"),
)
NON_TECH_SHARE = 0.2

FTS_PATHS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("pipeline",), 30), (("pipeline", "tender"), 8), (("engagement",), 10), (("engagement", "tender"), 8),
    (("planned", "tender", "award"), 8), (("tender",), 26), (("tender", "award"), 22),
    (("tender", "award", "contract"), 12), (("award",), 16),
)
CF_PATHS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("engagement",), 8), (("planned",), 6), (("tender",), 20), (("tender", "award"), 18), (("award",), 20),
    (("tender", "award", "contract"), 8),
)
STEP_GAPS = {
    ("pipeline", "tender"): (150, 300), ("engagement", "tender"): (60, 150), ("planned", "tender"): (30, 75),
    ("tender", "award"): (60, 150), ("award", "contract"): (14, 60),
}
TAGS = {"pipeline": "planning", "engagement": "planning", "planned": "planning", "tender": "tender",
        "award": "award", "contract": "contract"}
UK_NOTICE_TYPES = {"pipeline": "UK1", "engagement": "UK2", "planned": "UK3", "tender": "UK4", "award": "UK6",
                   "contract": "UK7"}
DOCUMENT_TYPES = {"pipeline": "pipelineNotice", "engagement": "marketEngagementNotice",
                  "planned": "plannedProcurementNotice", "tender": "tenderNotice", "award": "awardNotice",
                  "contract": "contractSigned"}
NOTICE_TITLES = {"pipeline": "Pipeline notice", "engagement": "Preliminary market engagement notice",
                 "planned": "Planned procurement notice", "tender": "Tender notice", "award": "Contract award notice",
                 "contract": "Contract details notice"}
FIRST_RELEASE = {"fts": dt.date(2025, 2, 24), "cf": dt.date(2025, 1, 6)}  # FTS: Procurement Act notices
LAST_RELEASE = dt.date(2026, 3, 31)
EXPIRING = (dt.date(2026, 4, 1), dt.date(2029, 12, 31))
EXPIRING_COUNT = 58
SHORT_COUNT = 10
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

LONDON_BODY_BUYERS = (
    ("greater-london-authority", "Greater London Authority", ("Greater London Authority", "GLA", "Mayor of London")),
    ("transport-for-london", "Transport for London", ("Transport for London", "TfL", "Transport for London (TfL)")),
    ("london-councils", "London Councils", ("London Councils",)),
)
NON_LONDON_BUYERS = (
    ("kent", "Kent County Council", ("Kent County Council", "Kent CC"), "UKJ45", "South East", "Maidstone"),
    ("surrey", "Surrey County Council", ("Surrey County Council",), "UKJ26", "South East", "Reigate"),
    ("essex", "Essex County Council", ("Essex County Council",), "UKH36", "East of England", "Chelmsford"),
    ("hertfordshire", "Hertfordshire County Council", ("Hertfordshire County Council", "Herts County Council"),
     "UKH23", "East of England", "Hertford"),
)


@dataclass(frozen=True)
class Buyer:
    """A contracting authority and the names it appears under in notices."""

    key: str
    name: str
    aliases: tuple[str, ...]
    borough_code: str | None
    region: str
    delivery_region: str
    locality: str = "London"

    @property
    def email(self) -> str:
        return f"procurement@{self.key}.example"


@dataclass
class Process:
    """One procurement (one ocid) and the notices published for it."""

    platform: str
    buyer: Buyer
    subject: Subject
    title: str
    steps: tuple[str, ...]
    value: int
    buyer_name: str = ""
    buyer_id: str = ""
    ocid: str = ""
    dates: list[dt.date] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    release_ids: list[str] = field(default_factory=list)
    notice_ids: list[str] = field(default_factory=list)
    future_notice: dt.date | None = None
    supplier: Supplier | None = None
    supplier_name: str = ""
    award_value: int = 0
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    sme: bool = False

    @property
    def is_awarded(self) -> bool:
        return "award" in self.steps


def load_buyers(reference_dir: Path, boroughs: list[Borough]) -> tuple[list[Buyer], list[Buyer], list[Buyer]]:
    """Borough buyers (with their aliases from borough_aliases.csv), other London bodies and non-London buyers."""
    aliases: dict[str, list[str]] = {}
    for row in read_csv_rows(reference_dir / "borough_aliases.csv"):
        if row["alias"] != row["borough_code"]:
            aliases.setdefault(row["borough_code"], []).append(row["alias"])
    councils = [Buyer(b.slug, b.official_name, tuple(aliases.get(b.code, [b.name])), b.code, ITL3_LONDON[b.code],
                      "London") for b in boroughs]
    london = [Buyer(key, name, names, None, "UKI32", "London") for key, name, names in LONDON_BODY_BUYERS]
    elsewhere = [Buyer(key, name, names, None, region, delivery, town)
                 for key, name, names, region, delivery, town in NON_LONDON_BUYERS]
    return councils, london, elsewhere


def allocate_buyers(councils: list[Buyer], boroughs: list[Borough], london: list[Buyer], elsewhere: list[Buyer],
                    rng: random.Random) -> list[Buyer]:
    """220 buyer slots: five per borough plus 35 more by population, 12 London bodies, 8 non-London."""
    slots = [c for c in councils for _ in range(5)]
    populations = [b.population for b in boroughs]
    slots += [weighted_choice(rng, councils, populations) for _ in range(35)]
    slots += [b for b in london for _ in range(4)] + [b for b in elsewhere for _ in range(2)]
    rng.shuffle(slots)
    return slots


def plan_processes(buyers: list[Buyer], rng: random.Random) -> list[Process]:
    """Pair each buyer slot with a platform, a path of notices and a subject."""
    paths = [("fts", path) for path, n in FTS_PATHS for _ in range(n)]
    paths += [("cf", path) for path, n in CF_PATHS for _ in range(n)]
    rng.shuffle(paths)
    processes = []
    for buyer, (platform, steps) in zip(buyers, paths, strict=True):
        tech = rng.random() >= NON_TECH_SHARE
        subjects = TECH_SUBJECTS if tech else NON_TECH_SUBJECTS
        subject = weighted_choice(rng, subjects, [s.weight for s in subjects])
        low = 2_000_000 if steps[0] == "pipeline" else 50_000
        value = int(round(log_uniform(rng, low, 25_000_000 if rng.random() < 0.15 else 8_000_000), -3))
        name = rng.choice(buyer.aliases)
        processes.append(Process(platform, buyer, subject, rng.choice(subject.titles), steps, max(value, low),
                                 buyer_name=name, sme=rng.random() < 0.6))
    return processes


def schedule(process: Process, rng: random.Random) -> None:
    """Date each notice of the process, in order, between early 2025 and March 2026."""
    gaps = [rng.randint(*STEP_GAPS[pair]) for pair in zip(process.steps, process.steps[1:], strict=False)]
    earliest = FIRST_RELEASE[process.platform]
    if process.steps[0] == "pipeline":
        earliest = dt.date(2025, 4, 1)
    elif process.steps == ("tender",):
        earliest = dt.date(2025, 9, 1)  # tenders with no award yet are recent
    latest_start = LAST_RELEASE - dt.timedelta(days=sum(gaps))
    if latest_start < earliest:
        gaps = [g * (LAST_RELEASE - earliest).days // max(sum(gaps), 1) for g in gaps]
        latest_start = LAST_RELEASE - dt.timedelta(days=sum(gaps))
    day = random_weekday(rng, earliest, latest_start)
    process.dates = [day]
    for gap in gaps:
        day = min(day + dt.timedelta(days=gap), LAST_RELEASE)
        process.dates.append(day)
    process.times = sorted(f"{rng.randint(7, 18):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
                           for _ in process.dates)
    if process.steps[-1] in {"pipeline", "engagement", "planned"}:
        process.future_notice = random_date(rng, dt.date(2026, 4, 1), dt.date(2027, 9, 30))
    elif process.steps[0] in {"pipeline", "engagement", "planned"}:
        process.future_notice = process.dates[1]


def award(process: Process, kind: str, suppliers: dict[str, list[Supplier]], rng: random.Random) -> None:
    """Choose the winner, the awarded value and a contract period ending as `kind` says."""
    group = suppliers[process.subject.supplier_group]
    process.supplier = weighted_choice(rng, group, zipf_weights(len(group)))
    style = "registered" if rng.random() < 0.7 else rng.choice(NAME_STYLES)
    process.supplier_name = supplier_spelling(process.supplier, style)
    process.award_value = int(round(process.value * rng.uniform(0.8, 1.05), -2))
    awarded_on = process.dates[process.steps.index("award")]
    start = awarded_on + dt.timedelta(days=rng.randint(14, 60))
    short_end = start + dt.timedelta(days=rng.randint(180, 365))
    if kind == "short" and short_end < EXPIRING[0]:
        end = short_end
    elif kind == "long":
        end = random_date(rng, dt.date(2030, 1, 1), dt.date(2032, 12, 31))
    else:
        end = random_date(rng, max(EXPIRING[0], start + dt.timedelta(days=180)), EXPIRING[1])
    process.contract_start, process.contract_end = start, end


def award_kinds(count: int, rng: random.Random) -> list[str]:
    """How each award's contract ends, for awards in date order: the earliest are short, already ended."""
    later = ["expiring"] * EXPIRING_COUNT + ["long"] * max(0, count - EXPIRING_COUNT - SHORT_COUNT)
    rng.shuffle(later)
    return (["short"] * SHORT_COUNT + later)[:count]


def assign_identifiers(processes: list[Process], rng: random.Random) -> None:
    """Ocids and notice ids: FTS numbers in date order, Contracts Finder uuids from the seed."""
    fts = sorted((p for p in processes if p.platform == "fts"), key=lambda p: (p.dates[0], p.title, p.buyer.key))
    number = 0x04B2A1
    for process in fts:
        number += rng.randint(1, 300)
        process.ocid = f"ocds-h6vhtk-{number:06x}"
    notices = sorted(((p.dates[i], p.times[i], p.ocid, i, p) for p in fts for i in range(len(p.steps))),
                     key=lambda n: n[:4])
    counters = {2025: 4100, 2026: 100}
    for process in fts:
        process.release_ids = [""] * len(process.steps)
    for day, _, _, index, process in notices:
        counters[day.year] += rng.randint(5, 60)
        process.release_ids[index] = f"{counters[day.year]:06d}-{day.year}"
    cf_number = 806000
    for process in sorted((p for p in processes if p.platform == "cf"), key=lambda p: (p.dates[0], p.title)):
        process.ocid = f"ocds-b5fd17-{uuid.UUID(int=rng.getrandbits(128), version=4)}"
        for _ in process.steps:
            cf_number += rng.randint(10, 400)
            notice = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            process.notice_ids.append(notice)
            process.release_ids.append(f"{notice}-{cf_number}")


def buyer_identifier(buyer: Buyer, platform: str, seed: int) -> str:
    """The buyer's party id: its GSS code (GB-LAC) sometimes, else a made-up PPON or Contracts Finder id."""
    rng = random.Random(f"{seed}:buyer-id:{platform}:{buyer.key}")
    if buyer.borough_code and rng.random() < 0.3:
        return f"GB-LAC-{buyer.borough_code}"
    if platform == "cf":
        return f"GB-CFS-{rng.randrange(10000, 99999)}"
    letters = "ABCDEFGHJKLMNPQRSTVWXYZ"
    block = "".join(rng.choice(letters) for _ in range(4))
    tail = "".join(rng.choice(letters) for _ in range(4))
    return f"GB-PPON-{block}-{rng.randrange(1000, 9999)}-{tail}"


def build_processes(buyers: tuple[list[Buyer], list[Buyer], list[Buyer]], boroughs: list[Borough],
                    suppliers: dict[str, list[Supplier]], seed: int) -> list[Process]:
    """Plan, date, award and number about 220 procurement processes."""
    rng = random.Random(f"{seed}:procurement")
    councils, london, elsewhere = buyers
    processes = plan_processes(allocate_buyers(councils, boroughs, london, elsewhere, rng), rng)
    for process in processes:
        schedule(process, rng)
        process.buyer_id = buyer_identifier(process.buyer, process.platform, seed)
    awarded = sorted((p for p in processes if p.is_awarded),
                     key=lambda p: (p.dates[p.steps.index("award")], p.title, p.buyer.key))
    for process, kind in zip(awarded, award_kinds(len(awarded), rng), strict=True):
        award(process, kind, suppliers, rng)
    assign_identifiers(processes, rng)
    return processes


def timestamp(process: Process, index: int) -> str:
    return f"{process.dates[index].isoformat()}T{process.times[index]}Z"


def money(amount: int) -> dict:
    return {"amount": amount, "currency": "GBP"}


def midnight(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def identifier(party_id: str, legal_name: str) -> dict:
    """'GB-LAC-E09000003' -> {'scheme': 'GB-LAC', 'id': 'E09000003', ...}."""
    scheme = "-".join(party_id.split("-")[:2])
    return {"scheme": scheme, "id": party_id[len(scheme) + 1:], "legalName": legal_name}


def buyer_party(process: Process) -> dict:
    """Contracts Finder addresses carry no region code; Find a Tender gives the ITL code."""
    buyer = process.buyer
    address = {"locality": buyer.locality, "countryName": "United Kingdom"}
    if process.platform == "fts":
        address["region"] = buyer.region
    return {"id": process.buyer_id, "name": process.buyer_name, "identifier": identifier(process.buyer_id, buyer.name),
            "address": address, "contactPoint": {"email": buyer.email}, "roles": ["buyer"]}


def supplier_party_id(process: Process) -> str:
    supplier = process.supplier
    assert supplier is not None
    if supplier.company_number:
        return f"GB-COH-{supplier.company_number}"
    rng = random.Random(f"supplier-id:{process.platform}:{supplier.name}")
    if process.platform == "cf":
        return f"GB-CFS-{rng.randrange(100000, 999999)}"
    return f"GB-PPON-{''.join(rng.choice('BCDFGHJKLMNPQRSTVWXZ') for _ in range(4))}-{rng.randrange(1000, 9999)}-" \
           f"{''.join(rng.choice('BCDFGHJKLMNPQRSTVWXZ') for _ in range(4))}"


def supplier_party(process: Process) -> dict:
    assert process.supplier is not None
    party_id = supplier_party_id(process)
    return {"id": party_id, "name": process.supplier_name, "identifier": identifier(party_id, process.supplier.name),
            "details": {"scale": "sme" if process.sme else "large"}, "roles": ["supplier"]}


def notice_document(process: Process, index: int) -> dict:
    """The notice itself as a document; FTS documents carry the UK notice code in `noticeType`."""
    step = process.steps[index]
    document = {"id": str(index + 1), "documentType": DOCUMENT_TYPES[step], "title": NOTICE_TITLES[step]}
    if process.platform == "fts":
        document["noticeType"] = UK_NOTICE_TYPES[step]
        document["url"] = f"https://example.org/find-a-tender/Notice/{process.release_ids[index]}"
    else:
        document["url"] = f"https://example.org/contracts-finder/Notice/{process.notice_ids[index]}"
    document.update(datePublished=timestamp(process, index), format="text/html", language="en")
    return document


def contract_period(process: Process) -> dict:
    assert process.contract_start and process.contract_end
    return {"startDate": midnight(process.contract_start), "endDate": f"{process.contract_end.isoformat()}T23:59:59Z"}


def description(process: Process) -> str:
    scope = ("implementation, support and service management" if process.subject.tech_category or
             process.subject.supplier_group == "smart_city_iot" else "mobilisation, delivery and contract management")
    return f"{process.title} for {process.buyer.name}. The contract covers {scope}."


TENDER_STATUS = {"pipeline": "planning", "engagement": "planning", "planned": "planned", "tender": "active",
                 "award": "complete", "contract": "complete"}


def tender_section(process: Process, index: int) -> dict:
    """The tender block every release repeats, with what is known at that stage."""
    step, subject = process.steps[index], process.subject
    region = process.buyer.region if process.platform == "fts" else process.buyer.delivery_region
    category = "works" if subject.cpv.startswith("45") else "goods" if subject.cpv[:2] in {"30", "32"} else "services"
    tender = {
        "id": process.ocid.rsplit("-", 1)[-1][:12], "title": process.title, "description": description(process),
        "status": TENDER_STATUS[step],
        "classification": {"scheme": "CPV", "id": subject.cpv, "description": subject.description},
        "items": [{"id": "1", "deliveryAddresses": [{"region": region, "countryName": "United Kingdom"}]}],
        "mainProcurementCategory": category,
    }
    if step not in {"award", "contract"}:
        tender["value"] = money(process.value)
    if process.platform == "cf":
        tender["suitability"] = {"sme": process.sme, "vcse": False}
    if step in {"pipeline", "engagement", "planned"} and process.future_notice:
        tender["communication"] = {"futureNoticeDate": midnight(process.future_notice)}
    if step == "tender":
        tender.update(tender_stage_fields(process, index))
    if step == "award" and index == 0:
        tender.update(procurementMethod="selective", procurementMethodDetails="Call-off from a framework agreement")
    if step in {"planned", "tender", "award", "contract"} and (process.platform == "fts" or step == "tender"):
        tender["documents"] = [notice_document(process, index)]
    return tender


def tender_stage_fields(process: Process, index: int) -> dict:
    opened = process.dates[index]
    closes = opened + dt.timedelta(days=30 + len(process.title) % 16)
    start = closes + dt.timedelta(days=90)
    years = 2 + process.value % 4
    return {
        "procurementMethod": "open" if process.value < 1_000_000 else "selective",
        "tenderPeriod": {"startDate": timestamp(process, index), "endDate": f"{closes.isoformat()}T12:00:00Z"},
        "contractPeriod": {"startDate": midnight(start),
                           "endDate": midnight(start.replace(year=start.year + years) - dt.timedelta(days=1))},
    }


def planning_section(process: Process, index: int) -> dict | None:
    """Budget and milestones for pipeline notices; engagement milestones; pre-tender notices as documents."""
    step = process.steps[index]
    planning: dict = {}
    if step == "pipeline":
        planning["budget"] = {"description": "Estimated total contract value", "amount": money(process.value)}
        if process.future_notice and process.value % 2 == 0:
            planning["milestones"] = [{"id": "1", "title": "Expected publication of tender notice",
                                       "type": "preProcurement", "dueDate": midnight(process.future_notice)}]
    if step == "engagement":
        due = process.dates[index] + dt.timedelta(days=21 + process.value % 20)
        planning["milestones"] = [{"id": "1", "title": "Preliminary market engagement", "type": "engagement",
                                   "dueDate": midnight(due)}]
    if step in {"pipeline", "engagement"} or (step == "planned" and process.platform == "cf"):
        planning["documents"] = [notice_document(process, index)]
    return planning or None


def award_section(process: Process, index: int) -> list[dict]:
    assert process.supplier is not None
    award_entry = {
        "id": "1", "title": process.title, "status": "active", "date": timestamp(process, index),
        "value": money(process.award_value),
        "suppliers": [{"id": supplier_party_id(process), "name": process.supplier_name}],
        "contractPeriod": contract_period(process),
    }
    if process.platform == "cf":
        award_entry["documents"] = [notice_document(process, index)]
    return [award_entry]


def contract_section(process: Process, index: int) -> list[dict]:
    return [{"id": "1", "awardID": "1", "title": process.title, "status": "active",
             "value": money(process.award_value), "period": contract_period(process),
             "dateSigned": timestamp(process, index)}]


def release(process: Process, index: int) -> dict:
    """One OCDS release: the notice published at step `index` of the process."""
    step = process.steps[index]
    parties = [buyer_party(process)]
    if step in {"award", "contract"}:
        parties.append(supplier_party(process))
    doc: dict = {
        "ocid": process.ocid, "id": process.release_ids[index], "date": timestamp(process, index), "language": "en",
        "tag": [TAGS[step]], "initiationType": "tender", "parties": parties,
        "buyer": {"id": process.buyer_id, "name": process.buyer_name},
    }
    planning = planning_section(process, index)
    if planning:
        doc["planning"] = planning
    doc["tender"] = tender_section(process, index)
    if step in {"award", "contract"}:
        doc["awards"] = award_section(process, index)
    if step == "contract":
        doc["contracts"] = contract_section(process, index)
    return doc


PACKAGE_FILES = {"fts": "fts-{year}.json", "cf": "contracts-finder-{year}.json"}
PUBLISHERS = {"fts": {"name": "Cabinet Office", "scheme": "GB-GOR", "uid": "D2"},
              "cf": {"name": "Cabinet Office", "scheme": "GB-GOVUK", "uid": "D2"}}


def release_packages(processes: list[Process]) -> dict[str, dict]:
    """Release packages by file name: one per platform and calendar year of the release date."""
    grouped: dict[str, list[dict]] = {}
    for process in processes:
        for index, day in enumerate(process.dates):
            name = PACKAGE_FILES[process.platform].format(year=day.year)
            grouped.setdefault(name, []).append(release(process, index))
    packages = {}
    for name in sorted(grouped):
        releases = sorted(grouped[name], key=lambda r: (r["date"], r["id"]))
        platform = "fts" if name.startswith("fts") else "cf"
        packages[name] = {
            "uri": f"https://example.org/loti-demand/sample/procurement/{name}",
            "publishedDate": releases[-1]["date"], "publisher": PUBLISHERS[platform], "license": OGL,
            "publicationPolicy": "https://www.gov.uk/government/publications/open-contracting", "version": "1.1",
            "releases": releases,
        }
    return packages


# --------------------------------------------------------------------------------------------------
# Challenges: problem statements boroughs publish for suppliers and innovators
# --------------------------------------------------------------------------------------------------

CHALLENGE_COLUMNS = ("id", "title", "statement", "boroughs", "theme", "status", "opens_on", "closes_on",
                     "budget_gbp", "url", "contact", "tech_category", "outcome_ocid")
CHALLENGES: tuple[tuple[str, str, str, str | None], ...] = (
    ("Adult social care", "Spotting falls at home early",
     "Older residents who fall at home are often found hours later. We want consent-based smart sensors that "
     "alert carers quickly without cameras.", "smart_city_iot"),
    ("Adult social care", "Matching home care hours to demand",
     "Care rounds are planned by hand. We want analytics on visit records that predict demand and cut missed visits.",
     "data_analytics"),
    ("Adult social care", "One view of a person across care providers",
     "Social workers re-key the same details into several systems. We want a data platform that joins records "
     "safely.", "data_analytics"),
    ("Adult social care", "Online care needs assessments",
     "Assessments are booked and recorded on paper. We want an online form residents and carers can start "
     "themselves.", "digital_delivery"),
    ("Adult social care", "Moving telecare to digital lines",
     "Analogue telephone lines close soon. We need telecare alarms that work reliably over digital telephony.",
     "networks_telecoms"),
    ("Housing", "Predicting damp and mould in council homes",
     "We want to find homes at risk of damp before tenants report it, using environmental sensors and repairs "
     "history.", "smart_city_iot"),
    ("Housing", "Reporting repairs online with photos",
     "Most tenants report repairs by phone. We want a website journey with photos and appointment booking.",
     "digital_delivery"),
    ("Housing", "Less time in temporary accommodation",
     "Families wait too long in nightly paid rooms. We want data analysis that matches households to suitable "
     "homes sooner.", "data_analytics"),
    ("Housing", "A housing management system tenants can use",
     "Our housing software is near end of life. We want to test options for a replacement with a tenant portal.",
     "software"),
    ("Housing", "Keeping housing systems safe from attack",
     "Ransomware has hit other landlords. We want cyber security monitoring suited to a council's housing service.",
     "cyber_security"),
    ("Climate and environment", "Mapping heat risk street by street",
     "Some streets overheat in summer. We want GIS analysis of tree cover, surfaces and vulnerable residents.",
     "geospatial"),
    ("Climate and environment", "Measuring air quality around schools",
     "Parents ask how clean the air is at the school gate. We want low-cost air quality sensors with open data.",
     "smart_city_iot"),
    ("Climate and environment", "Tracking energy use in council buildings",
     "We pay for energy we cannot see. We want smart meters and a simple view of use in each building.",
     "smart_city_iot"),
    ("Climate and environment", "Planning where to put charge points",
     "Residents without driveways need somewhere to charge. We want mapping data that shows the best kerbside "
     "sites.", "geospatial"),
    ("Climate and environment", "Warning of surface water flooding",
     "Flash floods close roads and homes. We want flood sensors in gullies that warn the highways team.",
     "smart_city_iot"),
    ("Children's services", "Joining up early help records",
     "Early help workers cannot see what other teams know. We want case management software that shares the "
     "right information.", "software"),
    ("Children's services", "Finding foster carers faster",
     "Enquiries from would-be foster carers get lost. We want a website and follow-up journey that keeps them "
     "engaged.", "digital_delivery"),
    ("Children's services", "Sharing information safely between agencies",
     "Schools, police and health share concerns by email. We want a secure, information security-approved "
     "exchange.", "cyber_security"),
    ("Children's services", "Keeping EHC plans on time",
     "Education, health and care plans miss deadlines. We want dashboards that show where each plan is stuck.",
     "data_analytics"),
    ("Children's services", "Devices for care leavers",
     "Care leavers often have no device of their own. We want a way to provide laptops with support and "
     "connectivity.", "devices"),
    ("Digital inclusion", "Getting digitally excluded residents online",
     "One in ten residents has no home internet. We want a scheme of refurbished laptops and SIM cards with "
     "help to use them.", "devices"),
    ("Digital inclusion", "Free Wi-Fi in libraries and high streets",
     "Residents rely on libraries to get online. We want better public Wi-Fi that is cheap to run.",
     "networks_telecoms"),
    ("Digital inclusion", "Help for residents who cannot use online services",
     "Some residents will always need help. We want an assisted service model for our libraries and hubs.", None),
    ("Digital inclusion", "Digital skills for older residents",
     "Older residents want confidence online. We want friendly, local sessions that build lasting skills.", None),
    ("Highways and transport", "Smart parking to cut congestion",
     "Drivers circle looking for spaces. We want parking sensors that show free bays in real time.",
     "smart_city_iot"),
    ("Highways and transport", "Finding potholes before they grow",
     "Potholes are reported late. We want image analytics from council vehicles that spot defects early.",
     "data_analytics"),
    ("Highways and transport", "Digital kerbside rules",
     "Kerb rules live in paper traffic orders. We want digital mapping of restrictions that others can reuse.",
     "geospatial"),
    ("Highways and transport", "Safer routes to school",
     "Parents want safer walking and cycling routes. We want ideas for school streets that residents support.", None),
    ("Highways and transport", "Street lights that do more",
     "Lamp columns are everywhere. We want smart lighting that can also host environmental sensors.",
     "smart_city_iot"),
    ("Waste", "Knowing when communal bins are full",
     "Estate bins overflow between collections. We want fill-level smart bins that tell crews where to go.",
     "smart_city_iot"),
    ("Waste", "Better collection routes",
     "Collection rounds have not changed for years. We want vehicle telematics to plan shorter routes.",
     "smart_city_iot"),
    ("Waste", "Cutting fly-tipping hotspots",
     "Fly-tipping costs us millions. We want ideas that deter it and help us act on reports faster.", None),
    ("Waste", "Booking bulky waste online",
     "Bulky waste is booked by phone. We want an online booking and payment journey on our website.",
     "digital_delivery"),
    ("Waste", "Cleaner streets with better data",
     "We cannot see which streets need most cleaning. We want data analysis of reports and inspections.",
     "data_analytics"),
    ("Revenues and benefits", "Faster council tax support claims",
     "Claims take weeks to process. We want automation in our revenues and benefits software.", "software"),
    ("Revenues and benefits", "Finding residents missing out on support",
     "Many residents do not claim what they are owed. We want data matching that finds them, with consent.",
     "data_analytics"),
    ("Revenues and benefits", "Fewer calls about council tax bills",
     "Bills cause a spike of calls each March. We want clearer bills and a website that answers common questions.",
     "digital_delivery"),
    ("Revenues and benefits", "Moving the revenues system to the cloud",
     "Our revenues system runs in an ageing data centre. We want a cloud hosting option that keeps it secure.",
     "cloud_hosting"),
    ("Revenues and benefits", "Checking single person discounts fairly",
     "Some discounts are claimed wrongly. We want fair, explainable data matching to review them.", "data_analytics"),
    ("Adult social care", "Choosing care homes with confidence",
     "Families struggle to compare care homes. We want a clear online directory with vacancies and quality ratings.",
     None),
)
LINKED_CHALLENGES = 6
MULTI_BOROUGH_CHALLENGES = 8
CHALLENGE_STATUSES = ("open",) * 14 + ("closed",) * 13 + ("awarded",) * 7


@dataclass
class Challenge:
    theme: str
    title: str
    statement: str
    category: str | None
    boroughs: list[Borough]
    status: str = "open"
    opens_on: dt.date = AS_OF
    closes_on: dt.date = AS_OF
    budget: int = 0
    give_category: bool = False
    outcome: Process | None = None


def link_outcomes(challenges: list[Challenge], processes: list[Process], by_code: dict[str, Borough]) -> None:
    """Point a few awarded challenges at a sample procurement of the same borough and tech category."""
    candidates = sorted((p for p in processes if p.is_awarded and p.buyer.borough_code and p.subject.tech_category
                         and p.dates[p.steps.index("award")] >= dt.date(2025, 10, 15)),
                        key=lambda p: (p.dates[p.steps.index("award")], p.ocid))
    linked = 0
    for challenge in challenges:
        match = next((p for p in candidates if p.subject.tech_category == challenge.category), None)
        if match is None or linked == LINKED_CHALLENGES:
            continue
        candidates.remove(match)
        challenge.outcome, challenge.status, challenge.give_category = match, "awarded", True
        challenge.boroughs = [by_code[str(match.buyer.borough_code)]]
        linked += 1


def date_challenge(challenge: Challenge, rng: random.Random) -> None:
    """Opening and closing dates by status; linked challenges close before their procurement is awarded."""
    if challenge.outcome is not None:
        awarded = challenge.outcome.dates[challenge.outcome.steps.index("award")]
        challenge.closes_on = awarded - dt.timedelta(days=rng.randint(30, 90))
        challenge.opens_on = max(dt.date(2025, 6, 1), challenge.closes_on - dt.timedelta(days=rng.randint(28, 60)))
    elif challenge.status == "open":
        challenge.opens_on = random_date(rng, dt.date(2025, 10, 1), dt.date(2026, 3, 31))
        challenge.closes_on = random_date(rng, dt.date(2026, 4, 1), dt.date(2026, 9, 30))
    else:
        challenge.opens_on = random_date(rng, dt.date(2025, 6, 1), dt.date(2025, 12, 31))
        challenge.closes_on = min(challenge.opens_on + dt.timedelta(days=rng.randint(28, 90)), dt.date(2026, 3, 31))


def build_challenges(processes: list[Process], boroughs: list[Borough], seed: int) -> list[Challenge]:
    """About 40 challenges, 8 of them shared by several boroughs and 6 linked to an awarded procurement."""
    rng = random.Random(f"{seed}:challenges")
    populations = [b.population for b in boroughs]
    challenges = [Challenge(theme, title, text, category, [weighted_choice(rng, boroughs, populations)])
                  for theme, title, text, category in CHALLENGES]
    order = list(range(len(challenges)))
    rng.shuffle(order)
    link_outcomes([challenges[i] for i in order], processes, {b.code: b for b in boroughs})
    others = [challenges[i] for i in order if challenges[i].outcome is None]
    for challenge, status in zip(others, CHALLENGE_STATUSES, strict=False):
        challenge.status = status
    for challenge in others[:MULTI_BOROUGH_CHALLENGES]:
        extra = rng.sample([b for b in boroughs if b not in challenge.boroughs], rng.randint(1, 3))
        challenge.boroughs += extra
    for challenge in challenges:
        date_challenge(challenge, rng)
        challenge.budget = int(round(log_uniform(rng, 20_000, 300_000), -3))
        challenge.give_category = challenge.give_category or (challenge.category is not None and rng.random() < 0.25)
    return sorted(challenges, key=lambda c: (c.opens_on, c.title))


def borough_reference(borough: Borough, rng: random.Random, aliases: dict[str, list[str]]) -> str:
    """A borough as publishers write it: its name, one of its aliases, or its GSS code."""
    roll = rng.random()
    if roll < 0.5:
        return borough.name
    if roll < 0.8 and aliases.get(borough.code):
        return rng.choice(aliases[borough.code])
    return borough.code


def challenge_rows(challenges: list[Challenge], reference_dir: Path, seed: int) -> list[list[str]]:
    rng = random.Random(f"{seed}:challenge-rows")
    aliases: dict[str, list[str]] = {}
    for row in read_csv_rows(reference_dir / "borough_aliases.csv"):
        if row["alias"] != row["borough_code"] and ";" not in row["alias"]:
            aliases.setdefault(row["borough_code"], []).append(row["alias"])
    rows = [list(CHALLENGE_COLUMNS)]
    for number, c in enumerate(challenges, start=1):
        cid = f"ch-{number:03d}"
        rows.append([
            cid, c.title, c.statement, ";".join(borough_reference(b, rng, aliases) for b in c.boroughs), c.theme,
            c.status, c.opens_on.isoformat(), c.closes_on.isoformat(), str(c.budget),
            f"https://example.org/challenges/{cid}", f"innovation@{c.boroughs[0].slug}.example",
            (c.category or "") if c.give_category else "", c.outcome.ocid if c.outcome else "",
        ])
    return rows


# --------------------------------------------------------------------------------------------------
# Writing the folder
# --------------------------------------------------------------------------------------------------


def prepare(out_dir: Path) -> None:
    """Empty the sample's own folders; refuse to touch a folder that is not a sample."""
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        from loti_demand.exceptions import LotiDemandError

        raise LotiDemandError(f"{out_dir} holds files but no {MARKER}: it is not a sample folder, so it is left "
                              "alone; choose an empty or new folder")
    for name in ("spend", "procurement", "challenges"):
        shutil.rmtree(out_dir / name, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)


def write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def write_spend(out_dir: Path, books: list[BoroughBook]) -> dict[str, int]:
    files = lines = 0
    for book in books:
        layout = LAYOUTS[book.borough.layout]
        for year in FINANCIAL_YEARS:
            for output in layout.write(book, year):
                write_bytes(out_dir / "spend" / book.borough.slug / output.name, output.data)
                files, lines = files + 1, lines + output.lines
    return {"spend_files": files, "spend_lines": lines}


def write_procurement(out_dir: Path, processes: list[Process]) -> dict[str, int]:
    packages = release_packages(processes)
    for name, package in packages.items():
        text = json.dumps(package, indent=1, ensure_ascii=False) + "\n"
        write_bytes(out_dir / "procurement" / name, text.encode("utf-8"))
    return {"procurement_files": len(packages), "procurement_releases": sum(len(p["releases"]) for p in
                                                                            packages.values()),
            "procurement_processes": len(processes)}


def write_challenges(out_dir: Path, rows: list[list[str]]) -> dict[str, int]:
    write_bytes(out_dir / "challenges" / "challenges.csv", csv_text(rows, "\n").encode("utf-8"))
    return {"challenges_files": 1, "challenges_lines": len(rows) - 1}


def sample_readme(boroughs: list[Borough]) -> str:
    """SAMPLE.md: what this folder is, how it was made, and which layout each borough uses."""
    layouts = "\n".join(f"  - `{layout.name}`: {layout.description}." for layout in LAYOUTS.values())
    table = "\n".join(f"| {b.name} | `spend/{b.slug}/` | {b.layout} |" for b in boroughs)
    return f"""# Synthetic sample data

Everything in this folder is **synthetic sample data**, generated by `python -m loti_demand sample`
(`loti_demand/sample.py`, seed {DEFAULT_SEED}). Do not edit it by hand: regenerate it, and
`tests/test_sample.py` checks that the files equal a fresh generation byte for byte.

Supplier names, project titles, challenge statements, company numbers (8 digits starting 99), VAT numbers,
transaction numbers and amounts are **fictional**. Borough names, GSS codes and populations are real, so the
dashboard looks like London; the figures are not any council's real spending. Links point at example.org.

## What is here

- `spend/<borough>/`: payments over £500 for April 2023 to March 2026, for all 33 London boroughs, each in
  one of five layouts imitating real council publications:
{layouts}
- `procurement/`: OCDS 1.1 release packages in the Find a Tender (`fts-*.json`, UK1-UK7 notice codes) and
  Contracts Finder (`contracts-finder-*.json`) styles, about 220 procurement processes by boroughs, other
  London bodies and a few buyers outside London (which the dashboard must leave out).
- `challenges/challenges.csv`: about 40 challenge statements in the loti-demand challenge schema.

Deliberate faults, so the data-quality views have something to show: about one line in 1,500 has an amount
of `TBC` or the date 31 February; two boroughs' 2024-25 Q3 files repeat the last {REPEATED_LINES} lines of
Q2; about 1% of non-tech payees are redacted.

## Layout of each borough

| Borough | Folder | Layout |
|---|---|---|
{table}
"""


def default_reference_dir() -> Path:
    from loti_demand import config

    folder = config.path("reference")
    assert folder is not None
    return folder


def generate(out_dir: Path, *, seed: int = DEFAULT_SEED, reference_dir: Path | None = None) -> dict[str, int]:
    """Write the synthetic sample into `out_dir`; return the number of files and lines per source.

    The output depends only on the seed and the reference tables: running it twice gives identical bytes.
    """
    out_dir = Path(out_dir)
    reference_dir = Path(reference_dir) if reference_dir else default_reference_dir()
    prepare(out_dir)
    boroughs = load_boroughs(reference_dir, seed)
    suppliers = build_suppliers(seed)
    counts = write_spend(out_dir, build_spend(boroughs, suppliers, seed))
    processes = build_processes(load_buyers(reference_dir, boroughs), boroughs, suppliers, seed)
    counts |= write_procurement(out_dir, processes)
    counts |= write_challenges(out_dir, challenge_rows(build_challenges(processes, boroughs, seed), reference_dir,
                                                       seed))
    (out_dir / MARKER).write_text(sample_readme(boroughs), encoding="utf-8")
    return counts


if __name__ == "__main__":  # pragma: no cover - `python -m loti_demand sample` is the usual way
    import sys

    print(generate(Path(sys.argv[1] if len(sys.argv) > 1 else "data/sample")))  # noqa: T201
