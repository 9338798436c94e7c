"""Expenditure categories and the departments that spend in them.

Each tech type has the labels councils use for it (one is picked per borough), purpose texts, and the
ProClass code an LGA-schema publisher would give it. Every label and purpose is checked against
data/reference/tech_rules.csv by tests/test_sample.py.
"""

from __future__ import annotations

from dataclasses import dataclass

# The category each ProClass ICT code gets from the proclass rules in tech_rules.csv. ProClass wins over
# keywords, and has only five ICT sub-headings, so an LGA-schema publisher's cyber or cloud line is filed
# under "ICT : Services" (it_services) as the rules stand.
PROCLASS_CATEGORIES = {
    "271000": "networks_telecoms",
    "271200": "devices",
    "271300": "it_services",
    "271500": "it_services",
    "271600": "software",
    "270000": "ict_other",
}


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
        """The tech category the rules give this line in a layout. In 'lga' the ProClass code makes the line
        tech, and a specific keyword in its text names the category more precisely (taxonomy 2026.2)."""
        if layout == "lga" and self.tech_category == "ict_other":
            return PROCLASS_CATEGORIES[self.proclass[1]]
        return self.tech_category


SYSTEMS = (
    "revenues and benefits system",
    "housing management system",
    "social care case management system",
    "planning and building control system",
    "finance and HR system",
    "parking permits system",
    "library management system",
    "electoral registration system",
    "customer relationship management platform",
    "document management system",
)
TEAMS = (
    "adult social care",
    "children's services",
    "housing officers",
    "libraries",
    "schools",
    "contact centre",
    "planning",
    "environmental health",
)
PROJECTS = (
    "technology roadmap",
    "service redesign",
    "migration programme",
    "architecture review",
    "programme assurance",
    "contract exit planning",
)

TECH_TYPES: tuple[ExpenseType, ...] = (
    ExpenseType(
        "software_licences",
        "software",
        ("Software Licences", "Computer Software - Licences", "Software Licence Fees", "ICT Software Licences"),
        ("Annual software licence renewal - {system}", "Software subscription {period}"),
        ("ICT : Software", "271600"),
        14,
        1.3,
    ),
    ExpenseType(
        "software_maintenance",
        "software",
        (
            "Computer Software - Maintenance",
            "Software Support & Maintenance",
            "Application Support",
            "System Support and Maintenance",
        ),
        ("Software support and maintenance - {system}", "Application support {period} - {system}"),
        ("ICT : Software", "271600"),
        12,
        1.2,
    ),
    ExpenseType(
        "cloud",
        "cloud_hosting",
        ("Cloud Services", "Hosting Services", "Cloud Subscriptions", "Web Hosting"),
        ("Cloud hosting charges {period}", "Cloud platform subscription {period}"),
        ("ICT : Services", "271500"),
        8,
        1.0,
    ),
    ExpenseType(
        "it_consultancy",
        "it_services",
        ("IT Consultancy", "ICT Consultancy", "Computer Consultancy"),
        ("IT consultancy - {project}", "ICT support services - {project}"),
        ("ICT : Services", "271500"),
        6,
        1.1,
    ),
    ExpenseType(
        "it_managed",
        "it_services",
        ("IT Managed Service", "IT Support Services", "IT Service Desk", "Computer Maintenance"),
        ("IT managed service charges {period}", "IT service desk support {period}"),
        ("ICT : Maintenance", "271300"),
        8,
        1.2,
    ),
    ExpenseType(
        "hardware",
        "devices",
        ("IT Hardware", "Computer Equipment Purchase", "ICT Equipment", "Computer Hardware"),
        ("Laptops for {team}", "Desktop PCs and docking stations", "Chromebooks for {team}"),
        ("ICT : Hardware", "271200"),
        10,
        0.8,
    ),
    ExpenseType(
        "infrastructure",
        "it_infrastructure",
        ("Server Hardware", "Data Centre Services", "Server Infrastructure"),
        ("Server replacement - {project}", "Data centre colocation {period}"),
        ("ICT : Hardware", "271200"),
        3,
        1.0,
    ),
    ExpenseType(
        "telephony",
        "networks_telecoms",
        ("Telephony", "Telephones", "Telecommunications", "Mobile Phones", "Mobile Telephony"),
        ("Mobile phone contract {period}", "Telephony line rental {period}"),
        ("ICT : Call Systems", "271000"),
        8,
        0.6,
    ),
    ExpenseType(
        "data_lines",
        "networks_telecoms",
        ("Data Lines", "Network Services", "Broadband", "WAN Services"),
        ("Data line rental {period}", "Corporate WAN and broadband {period}"),
        ("ICT : Call Systems", "271000"),
        6,
        0.6,
    ),
    ExpenseType(
        "data",
        "data_analytics",
        ("Data Analytics Services", "Business Intelligence", "Data Processing Services"),
        ("Business intelligence dashboards - {team}", "Data matching service {period}"),
        ("ICT : Services", "271500"),
        4,
        0.8,
    ),
    ExpenseType(
        "gis",
        "geospatial",
        ("GIS Software", "Digital Mapping", "Mapping Data"),
        ("GIS licences and support", "Aerial imagery subscription"),
        ("ICT : Software", "271600"),
        2,
        0.5,
    ),
    ExpenseType(
        "cyber",
        "cyber_security",
        ("Cyber Security Services", "Cyber Security", "Information Security Services"),
        ("Penetration testing {period}", "Endpoint protection renewal"),
        ("ICT : Services", "271500"),
        4,
        0.7,
    ),
    ExpenseType(
        "iot",
        "smart_city_iot",
        ("Smart City Sensors", "IoT Services", "Telematics", "Telemetry Services"),
        ("Air quality sensors - data subscription", "Vehicle telematics {period}", "Smart parking sensor maintenance"),
        ("ICT : Hardware", "271200"),
        2,
        0.6,
    ),
    ExpenseType(
        "print",
        "print_document",
        ("Printing Equipment/MFDs", "Photocopier Rental", "Managed Print Service", "MFD Lease"),
        ("Multi-function device lease {period}", "Managed print click charges {period}"),
        ("ICT : Hardware", "271200"),
        4,
        0.4,
    ),
    ExpenseType(
        "digital",
        "digital_delivery",
        ("Website Development", "Digital Transformation", "Web Development", "App Development"),
        ("Website redesign - {team}", "User research and service design - {team}"),
        ("ICT : Services", "271500"),
        5,
        0.9,
    ),
    ExpenseType(
        "ict_other",
        "ict_other",
        ("ICT Purchases", "Computing Costs", "ICT Expenditure", "Other Computing"),
        ("ICT purchases - {team}", "Computing costs {period}"),
        ("ICT", "270000"),
        4,
        0.6,
    ),
)

NON_TECH_TYPES: tuple[ExpenseType, ...] = (
    ExpenseType(
        "care_adult",
        None,
        ("Residential Care", "Domiciliary Care", "Nursing Care", "Supported Living"),
        ("Care package {period}", "Weekly care fees {period}", "Carers network grant"),
        ("SOCIAL CARE : Residential Care", "321017"),
        18,
        1.6,
    ),
    ExpenseType(
        "care_children",
        None,
        ("Children's Residential Placements", "Independent Fostering Agency", "Nursery Education Funding"),
        ("Placement fees {period}", "Early years funding {period}"),
        ("SC : Children Residential Care", "321117"),
        10,
        1.8,
    ),
    ExpenseType(
        "construction",
        None,
        ("Building Repairs", "Highways Maintenance", "Capital Works", "Lift Maintenance"),
        ("Responsive repairs {period}", "Carriageway resurfacing", "Network Rail access charges"),
        ("CONSTRUCTION : Buildings", "391100"),
        12,
        1.6,
    ),
    ExpenseType(
        "agency",
        None,
        ("Agency Staff", "Interim Staff"),
        ("Agency social worker {period}", "Interim staff timesheets {period}"),
        ("HR : Temporary & Agency Staff", "261400"),
        10,
        0.9,
    ),
    ExpenseType(
        "waste",
        None,
        ("Waste Collection", "Grounds Maintenance", "Tree Works"),
        ("Recycling collection {period}", "Parks grounds maintenance {period}"),
        ("Waste Mgt : Waste Collection", "182013"),
        6,
        1.3,
    ),
    ExpenseType(
        "grants",
        None,
        ("Grants to Voluntary Orgs", "Community Grants", "Voluntary Sector Contracts"),
        ("Community grant instalment", "Advice services grant {period}"),
        ("FINANCIAL SERVICES : Grants", "201700"),
        8,
        0.8,
    ),
    ExpenseType(
        "legal",
        None,
        ("Legal Fees", "Counsel Fees"),
        ("Counsel fees - childcare proceedings", "Legal advice - property"),
        ("LEGAL SERVICES : Specialist", "281400"),
        4,
        0.8,
    ),
    ExpenseType(
        "office",
        None,
        ("Stationery", "Office Furniture", "Printing and Leaflets", "Postage"),
        ("Stationery order", "Leaflet printing - council tax", "Data protection training materials"),
        ("MAIL SERVICES : Postage", "301200"),
        4,
        0.3,
    ),
    ExpenseType(
        "catering",
        None,
        ("Catering", "School Meals"),
        ("School meals {period}", "Civic event catering"),
        ("CATERING : Services", "120000"),
        3,
        0.6,
    ),
    ExpenseType(
        "property",
        None,
        ("Rents", "Temporary Accommodation", "Bed and Breakfast Accommodation"),
        ("Nightly paid accommodation {period}", "Lease rent quarter"),
        ("FM : Property Management", "191700"),
        8,
        1.0,
    ),
    ExpenseType(
        "utilities",
        None,
        ("Utilities - Electricity", "Utilities - Gas", "Water Charges"),
        ("Electricity supply {period}", "Gas supply {period}"),
        ("UTILITIES : Gas", "371100"),
        4,
        1.1,
    ),
    ExpenseType(
        "transport",
        None,
        ("Home to School Transport", "Vehicle Hire", "Taxi Services", "Fuel"),
        ("SEN transport routes {period}", "Fleet vehicle hire {period}"),
        ("TRANSPORT : Passenger", "361300"),
        5,
        0.8,
    ),
    ExpenseType(
        "facilities",
        None,
        ("Cleaning Services", "Security Services", "Pest Control"),
        ("Office cleaning {period}", "Manned guarding {period}"),
        ("CLEANING: Services", "131300"),
        4,
        0.8,
    ),
    ExpenseType(
        "professional",
        None,
        ("Consultancy Fees", "Audit Fees", "Training", "Insurance", "Interpretation & Translation"),
        ("Professional advice {period}", "Staff training course", "Interpreting services {period}"),
        ("HR : Training & Conferences", "261500"),
        5,
        0.8,
    ),
    ExpenseType(
        "leisure",
        None,
        ("Leisure Management Fee", "Events", "Play Equipment"),
        ("Leisure contract management fee {period}", "Summer festival costs"),
        ("LEISURE : Sport & Fitness", "291400"),
        3,
        1.0,
    ),
)

TECH_DEPARTMENTS = (
    "Digital and ICT",
    "Resources - ICT",
    "Corporate Services - Technology",
    "Digital Services",
    "Customer and Digital Services",
    "Finance and Resources",
)
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
