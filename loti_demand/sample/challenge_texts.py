"""Challenge statements boroughs publish for suppliers and innovators, as a literal table."""

from __future__ import annotations

CHALLENGES: tuple[tuple[str, str, str, str | None], ...] = (
    (
        "Adult social care",
        "Spotting falls at home early",
        "Older residents who fall at home are often found hours later. We want consent-based smart sensors that "
        "alert carers quickly without cameras.",
        "smart_city_iot",
    ),
    (
        "Adult social care",
        "Matching home care hours to demand",
        "Care rounds are planned by hand. "
        "We want analytics on visit records that predict demand and cut missed visits.",
        "data_analytics",
    ),
    (
        "Adult social care",
        "One view of a person across care providers",
        "Social workers re-key the same details into several systems. We want a data platform that joins records "
        "safely.",
        "data_analytics",
    ),
    (
        "Adult social care",
        "Online care needs assessments",
        "Assessments are booked and recorded on paper. We want an online form residents and carers can start "
        "themselves.",
        "digital_delivery",
    ),
    (
        "Adult social care",
        "Moving telecare to digital lines",
        "Analogue telephone lines close soon. We need telecare alarms that work reliably over digital telephony.",
        "networks_telecoms",
    ),
    (
        "Housing",
        "Predicting damp and mould in council homes",
        "We want to find homes at risk of damp before tenants report it, using environmental sensors and repairs "
        "history.",
        "smart_city_iot",
    ),
    (
        "Housing",
        "Reporting repairs online with photos",
        "Most tenants report repairs by phone. We want a website journey with photos and appointment booking.",
        "digital_delivery",
    ),
    (
        "Housing",
        "Less time in temporary accommodation",
        "Families wait too long in nightly paid rooms. We want data analysis that matches households to suitable "
        "homes sooner.",
        "data_analytics",
    ),
    (
        "Housing",
        "A housing management system tenants can use",
        "Our housing software is near end of life. We want to test options for a replacement with a tenant portal.",
        "software",
    ),
    (
        "Housing",
        "Keeping housing systems safe from attack",
        "Ransomware has hit other landlords. We want cyber security monitoring suited to a council's housing service.",
        "cyber_security",
    ),
    (
        "Climate and environment",
        "Mapping heat risk street by street",
        "Some streets overheat in summer. We want GIS analysis of tree cover, surfaces and vulnerable residents.",
        "geospatial",
    ),
    (
        "Climate and environment",
        "Measuring air quality around schools",
        "Parents ask how clean the air is at the school gate. We want low-cost air quality sensors with open data.",
        "smart_city_iot",
    ),
    (
        "Climate and environment",
        "Tracking energy use in council buildings",
        "We pay for energy we cannot see. We want smart meters and a simple view of use in each building.",
        "smart_city_iot",
    ),
    (
        "Climate and environment",
        "Planning where to put charge points",
        "Residents without driveways need somewhere to charge. We want mapping data that shows the best kerbside "
        "sites.",
        "geospatial",
    ),
    (
        "Climate and environment",
        "Warning of surface water flooding",
        "Flash floods close roads and homes. We want flood sensors in gullies that warn the highways team.",
        "smart_city_iot",
    ),
    (
        "Children's services",
        "Joining up early help records",
        "Early help workers cannot see what other teams know. We want case management software that shares the "
        "right information.",
        "software",
    ),
    (
        "Children's services",
        "Finding foster carers faster",
        "Enquiries from would-be foster carers get lost. We want a website and follow-up journey that keeps them "
        "engaged.",
        "digital_delivery",
    ),
    (
        "Children's services",
        "Sharing information safely between agencies",
        "Schools, police and health share concerns by email. We want a secure, information security-approved exchange.",
        "cyber_security",
    ),
    (
        "Children's services",
        "Keeping EHC plans on time",
        "Education, health and care plans miss deadlines. We want dashboards that show where each plan is stuck.",
        "data_analytics",
    ),
    (
        "Children's services",
        "Devices for care leavers",
        "Care leavers often have no device of their own. We want a way to provide laptops with support and "
        "connectivity.",
        "devices",
    ),
    (
        "Digital inclusion",
        "Getting digitally excluded residents online",
        "One in ten residents has no home internet. We want a scheme of refurbished laptops and SIM cards with "
        "help to use them.",
        "devices",
    ),
    (
        "Digital inclusion",
        "Free Wi-Fi in libraries and high streets",
        "Residents rely on libraries to get online. We want better public Wi-Fi that is cheap to run.",
        "networks_telecoms",
    ),
    (
        "Digital inclusion",
        "Help for residents who cannot use online services",
        "Some residents will always need help. We want an assisted service model for our libraries and hubs.",
        None,
    ),
    (
        "Digital inclusion",
        "Digital skills for older residents",
        "Older residents want confidence online. We want friendly, local sessions that build lasting skills.",
        None,
    ),
    (
        "Highways and transport",
        "Smart parking to cut congestion",
        "Drivers circle looking for spaces. We want parking sensors that show free bays in real time.",
        "smart_city_iot",
    ),
    (
        "Highways and transport",
        "Finding potholes before they grow",
        "Potholes are reported late. We want image analytics from council vehicles that spot defects early.",
        "data_analytics",
    ),
    (
        "Highways and transport",
        "Digital kerbside rules",
        "Kerb rules live in paper traffic orders. We want digital mapping of restrictions that others can reuse.",
        "geospatial",
    ),
    (
        "Highways and transport",
        "Safer routes to school",
        "Parents want safer walking and cycling routes. We want ideas for school streets that residents support.",
        None,
    ),
    (
        "Highways and transport",
        "Street lights that do more",
        "Lamp columns are everywhere. We want smart lighting that can also host environmental sensors.",
        "smart_city_iot",
    ),
    (
        "Waste",
        "Knowing when communal bins are full",
        "Estate bins overflow between collections. We want fill-level smart bins that tell crews where to go.",
        "smart_city_iot",
    ),
    (
        "Waste",
        "Better collection routes",
        "Collection rounds have not changed for years. We want vehicle telematics to plan shorter routes.",
        "smart_city_iot",
    ),
    (
        "Waste",
        "Cutting fly-tipping hotspots",
        "Fly-tipping costs us millions. We want ideas that deter it and help us act on reports faster.",
        None,
    ),
    (
        "Waste",
        "Booking bulky waste online",
        "Bulky waste is booked by phone. We want an online booking and payment journey on our website.",
        "digital_delivery",
    ),
    (
        "Waste",
        "Cleaner streets with better data",
        "We cannot see which streets need most cleaning. We want data analysis of reports and inspections.",
        "data_analytics",
    ),
    (
        "Revenues and benefits",
        "Faster council tax support claims",
        "Claims take weeks to process. We want automation in our revenues and benefits software.",
        "software",
    ),
    (
        "Revenues and benefits",
        "Finding residents missing out on support",
        "Many residents do not claim what they are owed. We want data matching that finds them, with consent.",
        "data_analytics",
    ),
    (
        "Revenues and benefits",
        "Fewer calls about council tax bills",
        "Bills cause a spike of calls each March. We want clearer bills and a website that answers common questions.",
        "digital_delivery",
    ),
    (
        "Revenues and benefits",
        "Moving the revenues system to the cloud",
        "Our revenues system runs in an ageing data centre. We want a cloud hosting option that keeps it secure.",
        "cloud_hosting",
    ),
    (
        "Revenues and benefits",
        "Checking single person discounts fairly",
        "Some discounts are claimed wrongly. We want fair, explainable data matching to review them.",
        "data_analytics",
    ),
    (
        "Adult social care",
        "Choosing care homes with confidence",
        "Families struggle to compare care homes. We want a clear online directory with vacancies and quality ratings.",
        None,
    ),
)
