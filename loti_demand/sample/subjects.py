"""What procurements buy: CPV subjects, the tech category the rules give each, likely titles."""

from __future__ import annotations

from dataclasses import dataclass


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
    Subject(
        "48000000",
        "Software package and information systems",
        "software",
        (
            "Replacement housing management system",
            "Revenues and benefits system re-procurement",
            "Corporate productivity suite licensing",
            "Adult social care case management system",
        ),
        "software",
        3,
    ),
    Subject(
        "48900000",
        "Miscellaneous software package and computer systems",
        "software",
        ("Library management system", "Parking permits and enforcement software", "Electoral management software"),
        "software",
        1.5,
    ),
    Subject("48810000", "Information systems", "software", ("Integrated finance and HR system",), "software"),
    Subject(
        "72260000",
        "Software-related services",
        "software",
        ("Application support and development services", "Line-of-business application support"),
        "software",
    ),
    Subject(
        "48730000",
        "Security software package",
        "cyber_security",
        ("Endpoint detection and response", "Email security gateway"),
        "cyber_security",
    ),
    Subject(
        "48482000",
        "Business intelligence software package",
        "data_analytics",
        ("Business intelligence and reporting platform",),
        "data_analytics",
    ),
    Subject(
        "72310000",
        "Data-processing services",
        "data_analytics",
        ("Data warehouse and analytics services", "Single view of the resident data platform"),
        "data_analytics",
    ),
    Subject("48326100", "Digital mapping system", "geospatial", ("Corporate GIS platform",), "geospatial", 0.5),
    Subject(
        "72000000",
        "IT services: consulting, software development, Internet and support",
        "it_services",
        ("ICT strategic partner", "IT service desk and end-user support"),
        "it_services",
        2,
    ),
    Subject(
        "72222300",
        "Information technology services",
        "it_services",
        ("Cloud migration partner", "Technology programme assurance"),
        "it_services",
    ),
    Subject("72500000", "Computer-related services", "it_services", ("ICT managed service",), "it_services"),
    Subject(
        "72611000",
        "Technical computer support services",
        "it_services",
        ("Schools ICT technical support",),
        "it_services",
    ),
    Subject(
        "72413000",
        "World wide web (www) site design services",
        "digital_delivery",
        ("Council website redesign", "Online forms and resident account"),
        "digital_delivery",
    ),
    Subject(
        "72230000",
        "Custom software development services",
        "digital_delivery",
        ("Digital services development partner", "Resident app development"),
        "digital_delivery",
    ),
    Subject(
        "72415000",
        "World wide web (www) site operation host services",
        "cloud_hosting",
        ("Cloud hosting and managed infrastructure", "Website hosting and support"),
        "cloud_hosting",
    ),
    Subject(
        "30213000",
        "Personal computers",
        "devices",
        ("Laptop and desktop refresh", "Chromebooks for schools"),
        "devices",
        1.5,
    ),
    Subject("30200000", "Computer equipment and supplies", "devices", ("End-user device call-off",), "devices"),
    Subject(
        "32412000",
        "Communications network",
        "networks_telecoms",
        ("Corporate wide area network replacement", "Public Wi-Fi and street network"),
        "networks_telecoms",
        1.5,
    ),
    Subject(
        "64210000",
        "Telephone and data transmission services",
        "networks_telecoms",
        ("Mobile voice and data services", "Telephony and contact centre platform"),
        "networks_telecoms",
        1.5,
    ),
    Subject(
        "32441000",
        "Telemetry equipment",
        "smart_city_iot",
        ("Air quality sensor network", "Smart parking sensors"),
        "smart_city_iot",
        0.6,
    ),
    Subject(
        "32323500",
        "Video-surveillance system",
        None,
        ("Public space CCTV and smart city camera network",),
        "smart_city_iot",
        0.4,
    ),
    Subject(
        "30232100",
        "Printers and plotters",
        "print_document",
        ("Multi-function devices and managed print service",),
        "print_document",
        0.7,
    ),
    Subject(
        "50312000",
        "Maintenance and repair of computer equipment",
        "it_services",
        ("Hardware maintenance and repair",),
        "it_services",
        0.5,
    ),
)
NON_TECH_SUBJECTS: tuple[Subject, ...] = (
    Subject(
        "45233000",
        "Construction, foundation and surface works for highways, roads",
        None,
        ("Highways resurfacing programme", "Footway improvement works"),
        "construction",
    ),
    Subject("90910000", "Cleaning services", None, ("Corporate buildings cleaning",), "facilities"),
    Subject(
        "85311000",
        "Social work services with accommodation",
        None,
        ("Supported living framework", "Children's residential placements framework"),
        "care_adult",
    ),
    Subject("90500000", "Refuse and waste related services", None, ("Waste and recycling collection",), "waste"),
    Subject("79710000", "Security services", None, ("Manned guarding and key holding",), "facilities"),
    Subject("55523100", "School-meal services", None, ("School meals service",), "catering"),
)
