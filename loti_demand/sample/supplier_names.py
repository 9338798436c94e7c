"""Fictional supplier names, as literal tables.

Tech suppliers are grouped by the tech category they mostly sell into; the first names in each group
dominate it (Zipf-like weights). Names marked with a company number get a made-up 8-digit number starting
99 (not yet issued by Companies House) and a VAT number starting 999.
"""

from __future__ import annotations

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
