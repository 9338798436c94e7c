"""OCDS 1.1 release packages in the Find a Tender (FTS) and Contracts Finder (CF) styles."""

from __future__ import annotations

import datetime as dt
import random

from loti_demand.sample.procurement import Process

TAGS = {
    "pipeline": "planning",
    "engagement": "planning",
    "planned": "planning",
    "tender": "tender",
    "award": "award",
    "contract": "contract",
}
UK_NOTICE_TYPES = {
    "pipeline": "UK1",
    "engagement": "UK2",
    "planned": "UK3",
    "tender": "UK4",
    "award": "UK6",
    "contract": "UK7",
}
DOCUMENT_TYPES = {
    "pipeline": "pipelineNotice",
    "engagement": "marketEngagementNotice",
    "planned": "plannedProcurementNotice",
    "tender": "tenderNotice",
    "award": "awardNotice",
    "contract": "contractSigned",
}
NOTICE_TITLES = {
    "pipeline": "Pipeline notice",
    "engagement": "Preliminary market engagement notice",
    "planned": "Planned procurement notice",
    "tender": "Tender notice",
    "award": "Contract award notice",
    "contract": "Contract details notice",
}

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def timestamp(process: Process, index: int) -> str:
    return f"{process.dates[index].isoformat()}T{process.times[index]}Z"


def money(amount: int) -> dict:
    return {"amount": amount, "currency": "GBP"}


def midnight(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def identifier(party_id: str, legal_name: str) -> dict:
    """'GB-LAC-E09000003' -> {'scheme': 'GB-LAC', 'id': 'E09000003', ...}."""
    scheme = "-".join(party_id.split("-")[:2])
    return {"scheme": scheme, "id": party_id[len(scheme) + 1 :], "legalName": legal_name}


def buyer_party(process: Process) -> dict:
    """Contracts Finder addresses carry no region code; Find a Tender gives the ITL code."""
    buyer = process.buyer
    address = {"locality": buyer.locality, "countryName": "United Kingdom"}
    if process.platform == "fts":
        address["region"] = buyer.region
    return {
        "id": process.buyer_id,
        "name": process.buyer_name,
        "identifier": identifier(process.buyer_id, buyer.name),
        "address": address,
        "contactPoint": {"email": buyer.email},
        "roles": ["buyer"],
    }


def supplier_party_id(process: Process) -> str:
    supplier = process.supplier
    assert supplier is not None
    if supplier.company_number:
        return f"GB-COH-{supplier.company_number}"
    rng = random.Random(f"supplier-id:{process.platform}:{supplier.name}")
    if process.platform == "cf":
        return f"GB-CFS-{rng.randrange(100000, 999999)}"
    return (
        f"GB-PPON-{''.join(rng.choice('BCDFGHJKLMNPQRSTVWXZ') for _ in range(4))}-{rng.randrange(1000, 9999)}-"
        f"{''.join(rng.choice('BCDFGHJKLMNPQRSTVWXZ') for _ in range(4))}"
    )


def supplier_party(process: Process) -> dict:
    assert process.supplier is not None
    party_id = supplier_party_id(process)
    return {
        "id": party_id,
        "name": process.supplier_name,
        "identifier": identifier(party_id, process.supplier.name),
        "details": {"scale": "sme" if process.sme else "large"},
        "roles": ["supplier"],
    }


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
    scope = (
        "implementation, support and service management"
        if process.subject.tech_category or process.subject.supplier_group == "smart_city_iot"
        else "mobilisation, delivery and contract management"
    )
    return f"{process.title} for {process.buyer.name}. The contract covers {scope}."


TENDER_STATUS = {
    "pipeline": "planning",
    "engagement": "planning",
    "planned": "planned",
    "tender": "active",
    "award": "complete",
    "contract": "complete",
}


def tender_section(process: Process, index: int) -> dict:
    """The tender block every release repeats, with what is known at that stage."""
    step, subject = process.steps[index], process.subject
    region = process.buyer.region if process.platform == "fts" else process.buyer.delivery_region
    category = "works" if subject.cpv.startswith("45") else "goods" if subject.cpv[:2] in {"30", "32"} else "services"
    tender = {
        "id": process.ocid.rsplit("-", 1)[-1][:12],
        "title": process.title,
        "description": description(process),
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
        "contractPeriod": {
            "startDate": midnight(start),
            "endDate": midnight(start.replace(year=start.year + years) - dt.timedelta(days=1)),
        },
    }


def planning_section(process: Process, index: int) -> dict | None:
    """Budget and milestones for pipeline notices; engagement milestones; pre-tender notices as documents."""
    step = process.steps[index]
    planning: dict = {}
    if step == "pipeline":
        planning["budget"] = {"description": "Estimated total contract value", "amount": money(process.value)}
        if process.future_notice and process.value % 2 == 0:
            planning["milestones"] = [
                {
                    "id": "1",
                    "title": "Expected publication of tender notice",
                    "type": "preProcurement",
                    "dueDate": midnight(process.future_notice),
                }
            ]
    if step == "engagement":
        due = process.dates[index] + dt.timedelta(days=21 + process.value % 20)
        planning["milestones"] = [
            {"id": "1", "title": "Preliminary market engagement", "type": "engagement", "dueDate": midnight(due)}
        ]
    if step in {"pipeline", "engagement"} or (step == "planned" and process.platform == "cf"):
        planning["documents"] = [notice_document(process, index)]
    return planning or None


def award_section(process: Process, index: int) -> list[dict]:
    assert process.supplier is not None
    award_entry = {
        "id": "1",
        "title": process.title,
        "status": "active",
        "date": timestamp(process, index),
        "value": money(process.award_value),
        "suppliers": [{"id": supplier_party_id(process), "name": process.supplier_name}],
        "contractPeriod": contract_period(process),
    }
    if process.platform == "cf":
        award_entry["documents"] = [notice_document(process, index)]
    return [award_entry]


def contract_section(process: Process, index: int) -> list[dict]:
    return [
        {
            "id": "1",
            "awardID": "1",
            "title": process.title,
            "status": "active",
            "value": money(process.award_value),
            "period": contract_period(process),
            "dateSigned": timestamp(process, index),
        }
    ]


def release(process: Process, index: int) -> dict:
    """One OCDS release: the notice published at step `index` of the process."""
    step = process.steps[index]
    parties = [buyer_party(process)]
    if step in {"award", "contract"}:
        parties.append(supplier_party(process))
    doc: dict = {
        "ocid": process.ocid,
        "id": process.release_ids[index],
        "date": timestamp(process, index),
        "language": "en",
        "tag": [TAGS[step]],
        "initiationType": "tender",
        "parties": parties,
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
PUBLISHERS = {
    "fts": {"name": "Cabinet Office", "scheme": "GB-GOR", "uid": "D2"},
    "cf": {"name": "Cabinet Office", "scheme": "GB-GOVUK", "uid": "D2"},
}


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
            "publishedDate": releases[-1]["date"],
            "publisher": PUBLISHERS[platform],
            "license": OGL,
            "publicationPolicy": "https://www.gov.uk/government/publications/open-contracting",
            "version": "1.1",
            "releases": releases,
        }
    return packages
