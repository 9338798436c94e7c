"""Flatten an OCDS release (or a compiled release) into the columns of `notices` / `procurements`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation

from loti_demand.normalise.organisations import borough_from_identifier, match_borough

# Contracts Finder documentType values and UK notice codes -> notice type shown to users.
DOCUMENT_TYPES = {
    "pipelineNotice": "UK1 pipeline",
    "marketEngagementNotice": "UK2 engagement",
    "plannedProcurementNotice": "UK3 planned",
    "tenderNotice": "UK4 tender",
    "awardNotice": "award",
    "contractNotice": "tender",
    "contractAwardNotice": "award",
}
UK_NOTICES = {
    "UK1": "UK1 pipeline", "UK2": "UK2 engagement", "UK3": "UK3 planned", "UK4": "UK4 tender",
    "UK5": "transparency", "UK6": "award", "UK7": "contract", "UK8": "payments", "UK9": "contract",
    "UK10": "contract", "UK11": "contract", "UK12": "contract", "UK13": "contract", "UK14": "contract",
}
STAGE_ORDER = ("planning", "tender", "award", "contract")
_UK = re.compile(r"\bUK(\d{1,2})\b")


def _get(doc: Mapping, *keys: str) -> object:
    value: object = doc
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _money(value: object) -> Decimal | None:
    if not isinstance(value, Mapping) or value.get("amount") in (None, ""):
        return None
    currency = value.get("currency") or "GBP"
    if currency != "GBP":
        return None
    try:
        return Decimal(str(value["amount"])).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def _documents(release: Mapping) -> list[Mapping]:
    docs = []
    for section in ("planning", "tender"):
        items = _get(release, section, "documents")
        if isinstance(items, list):
            docs.extend(d for d in items if isinstance(d, Mapping))
    return docs


def notice_type(release: Mapping) -> str | None:
    """UK notice code or Contracts Finder documentType, the most specific the release carries."""
    for doc in reversed(_documents(release)):
        for key in ("noticeType", "documentType"):
            value = str(doc.get(key) or "")
            match = _UK.search(value.upper())
            if match and f"UK{match.group(1)}" in UK_NOTICES:
                return UK_NOTICES[f"UK{match.group(1)}"]
    for doc in reversed(_documents(release)):
        if doc.get("documentType") in DOCUMENT_TYPES:
            return DOCUMENT_TYPES[doc["documentType"]]
    return None


def stage(release: Mapping) -> str:
    """The furthest stage the release reaches: contract > award > tender > planning."""
    tags = release.get("tag") or []
    tags = [tags] if isinstance(tags, str) else list(tags)
    if release.get("contracts") or any(str(t).startswith("contract") for t in tags):
        return "contract"
    if release.get("awards") or any(str(t).startswith("award") for t in tags):
        return "award"
    if any(str(t).startswith("tender") for t in tags):
        return "tender"
    if any(str(t).startswith("planning") for t in tags):
        return "planning"
    return "tender" if release.get("tender") else "planning"


def _buyer(release: Mapping) -> Mapping:
    buyer = release.get("buyer") if isinstance(release.get("buyer"), Mapping) else {}
    for party in release.get("parties") or []:
        if isinstance(party, Mapping) and (
            party.get("id") == buyer.get("id") or "buyer" in (party.get("roles") or [])
        ):
            return {**party, **{k: v for k, v in buyer.items() if v}}
    return buyer


def _is_london(buyer: Mapping, release: Mapping, london_body: Callable[[str], bool]) -> bool:
    region = str(_get(buyer, "address", "region") or "").upper()
    if region.startswith("UKI") or region == "LONDON":
        return True
    if london_body(str(buyer.get("name") or "")):
        return True
    for item in _get(release, "tender", "items") or []:
        for address in (item.get("deliveryAddresses") or []) if isinstance(item, Mapping) else []:
            if str(_get(address, "region") or "").strip().upper() in {"LONDON", "GREATER LONDON"}:
                return True
            if str(_get(address, "region") or "").upper().startswith("UKI"):
                return True
    return False


def flatten(
    release: Mapping,
    alias_index: Mapping[str, str],
    classify_cpv: Callable[[object], tuple[str | None, str | None]],
    london_body: Callable[[str], bool] = lambda name: False,
) -> dict:
    """The notice/procurement columns of one release. Values stay Python types; the loader casts them."""
    tender = release.get("tender") if isinstance(release.get("tender"), Mapping) else {}
    buyer = _buyer(release)
    borough = borough_from_identifier(buyer.get("id")) or match_borough(buyer.get("name"), alias_index)
    for ident in (buyer.get("identifier") or {}, *(buyer.get("additionalIdentifiers") or [])):
        if not borough and isinstance(ident, Mapping):
            borough = borough_from_identifier(ident.get("id")) if ident.get("scheme") in {"GB-LAC", "GB-ONS"} else None
    cpv = _get(tender, "classification", "id")
    if not cpv:
        for item in tender.get("items") or []:
            if isinstance(item, Mapping) and _get(item, "classification", "id"):
                cpv = _get(item, "classification", "id")
                break
    category, reason = classify_cpv(cpv)
    awards = [a for a in release.get("awards") or [] if isinstance(a, Mapping)]
    contracts = [c for c in release.get("contracts") or [] if isinstance(c, Mapping)]
    suppliers = sorted({s.get("name") for a in awards for s in a.get("suppliers") or []
                        if isinstance(s, Mapping) and s.get("name")})
    award_values = [v for v in (_money(a.get("value")) for a in awards) if v is not None]
    period = next((c.get("period") for c in contracts if isinstance(c.get("period"), Mapping)), None) or next(
        (a.get("contractPeriod") for a in awards if isinstance(a.get("contractPeriod"), Mapping)), None
    ) or tender.get("contractPeriod") or {}
    planning_milestones = _get(release, "planning", "milestones") or []
    engagement = [m.get("dueDate") for m in planning_milestones if isinstance(m, Mapping) and m.get("dueDate")]
    return {
        "ocid": release.get("ocid"),
        "release_id": release.get("id"),
        "release_date": release.get("date"),
        "tags": ";".join(release.get("tag") or []) if isinstance(release.get("tag"), list) else release.get("tag"),
        "buyer_id": buyer.get("id"),
        "buyer_name": buyer.get("name"),
        "borough_code": borough,
        "is_london": bool(borough) or _is_london(buyer, release, london_body),
        "stage": stage(release),
        "notice_type": notice_type(release),
        "title": tender.get("title") or _get(release, "planning", "project", "title"),
        "description": tender.get("description"),
        "cpv_code": str(cpv) if cpv else None,
        "tech_category": category,
        "classification_reason": reason,
        "value_gbp": _money(tender.get("value")) or _money(_get(release, "planning", "budget", "amount")),
        "award_value_gbp": sum(award_values) if award_values else None,
        "supplier_names": "; ".join(suppliers) or None,
        "tender_start": _get(tender, "tenderPeriod", "startDate"),
        "tender_end": _get(tender, "tenderPeriod", "endDate"),
        "contract_start": period.get("startDate"),
        "contract_end": period.get("endDate"),
        "expected_market_date": min(engagement) if engagement else _get(tender, "communication", "futureNoticeDate"),
        "is_sme_suitable": _get(tender, "suitability", "sme"),
        "status": tender.get("status"),
        "url": _url(release),
    }


def _url(release: Mapping) -> str | None:
    for doc in _documents(release):
        if doc.get("url"):
            return str(doc["url"])
    ocid = str(release.get("ocid") or "")
    if ocid.startswith("ocds-h6vhtk-") and release.get("id"):
        return f"https://www.find-tender.service.gov.uk/Notice/{release['id']}"
    if ocid.startswith("ocds-b5fd17-"):
        return f"https://www.contractsfinder.service.gov.uk/Notice/{ocid.removeprefix('ocds-b5fd17-')}"
    return None
