"""Flatten an OCDS release (or a compiled release) into the columns of `notices` / `procurements`.

Pure functions over parsed JSON. Stage and notice type come from the declared tables in notice_types.py;
buyer -> borough is identifier, then name, then London body, then region (see `ocds_buyers.resolve_buyer`);
amounts and dates are read and checked by `ocds_values`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from loti_demand.normalise.notice_types import (
    get_in,
    is_one_of,
    notice_type,
    objects,
    ranked_notice_documents,
    stage,
    tags,
)
from loti_demand.normalise.ocds_buyers import buyer_party, resolve_buyer
from loti_demand.normalise.ocds_values import Checked, parse_ocds_timestamp
from loti_demand.normalise.text import repair_text

# Awards and contracts with these statuses are not money committed.
_DEAD = {"cancelled", "unsuccessful", "terminated"}


def _live(entries: object) -> list[Mapping]:
    """Awards or contracts that still stand (not cancelled, unsuccessful or terminated)."""
    return [e for e in objects(entries) if str(e.get("status")) not in _DEAD]


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal("0.00")) if present else None


def _cpv(release: Mapping) -> list[str]:
    """CPV codes: the tender's main classification first, then items, lots, awards' and contracts' items."""
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    found = [get_in(tender, "classification")]
    items = [*objects(tender.get("items"))]
    for section in ("awards", "contracts"):
        for entry in objects(release.get(section)):
            items += objects(entry.get("items"))
    for item in items:
        found += [item.get("classification"), *objects(item.get("additionalClassifications"))]
    codes = []
    for classification in found:
        if isinstance(classification, dict) and str(classification.get("scheme") or "CPV").upper() == "CPV":
            code = str(classification.get("id") or "").strip()
            if code and code not in codes:
                codes.append(code)
    return codes


def _classify(codes: list[str], classify_cpv: Callable[[object], tuple[str | None, str | None]]):
    for code in codes:
        category, reason = classify_cpv(code)
        if category:
            return category, reason
    return None, None


def _periods(release: Mapping) -> list[Mapping]:
    """Contract periods, most authoritative first: signed contracts, then awards, then the tender's."""
    periods = [c.get("period") for c in _live(release.get("contracts")) if isinstance(c.get("period"), dict)]
    if not periods:
        awards = _live(release.get("awards"))
        periods = [a.get("contractPeriod") for a in awards if isinstance(a.get("contractPeriod"), dict)]
    if not periods:
        tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
        periods = [p for p in [tender.get("contractPeriod")] if isinstance(p, dict)]
        periods += [
            lot.get("contractPeriod")
            for lot in objects(tender.get("lots"))
            if isinstance(lot.get("contractPeriod"), dict)
        ]
    return periods


def _expected_market_date(release: Mapping, check: Checked) -> dt.date | None:
    """When the buyer expects to go to market: the future notice date it states, else (still planning) the
    planned tender start, else the end of preliminary market engagement."""
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    stated = check.date(get_in(tender, "communication", "futureNoticeDate"), "tender.communication.futureNoticeDate")
    if stated:
        return stated
    if is_one_of(tender.get("status"), {"planning", "planned"}):
        start = check.date(get_in(tender, "tenderPeriod", "startDate"), "tender.tenderPeriod.startDate")
        if start:
            return start
    engagement = [
        check.date(m.get("dueDate"), "planning.milestones.dueDate")
        for m in objects(get_in(release, "planning", "milestones"))
        if is_one_of(m.get("type"), {"engagement"})
    ]
    engagement = [d for d in engagement if d]
    return max(engagement) if engagement else None


def _sme(tender: Mapping) -> bool | None:
    lots = objects(tender.get("lots"))
    flags = [
        f
        for f in (get_in(tender, "suitability", "sme"), *(get_in(lot, "suitability", "sme") for lot in lots))
        if isinstance(f, bool)
    ]
    return any(flags) if flags else None


def _planned_value(release: Mapping, tender: Mapping, check: Checked) -> Decimal | None:
    value = check.money(tender.get("value"), "tender.value")
    if value is None:
        value = check.money(get_in(release, "planning", "budget", "amount"), "planning.budget.amount")
    if value is None:
        value = _sum(
            check.money(b.get("amount"), "planning.budget.budgetBreakdown.amount")
            for b in objects(get_in(release, "planning", "budget", "budgetBreakdown"))
        )
    if value is None:
        value = _sum(check.money(lot.get("value"), "tender.lots.value") for lot in objects(tender.get("lots")))
    return value


def _title(release: Mapping, tender: Mapping) -> str | None:
    candidates = [
        tender.get("title"),
        release.get("title"),
        get_in(release, "planning", "project", "title"),
        *(a.get("title") for a in objects(release.get("awards"))),
        *(c.get("title") for c in objects(release.get("contracts"))),
    ]
    return next((t for t in (repair_text(c) for c in candidates) if t), None)


def flatten(
    release: Mapping,
    alias_index: Mapping[str, str],
    classify_cpv: Callable[[object], tuple[str | None, str | None]],
    london_body: Callable[[str], str | None] = lambda name: None,
    *,
    in_area: Callable[[str], bool],
) -> dict:
    """The notice/procurement columns of one release, as Python values (Decimal, date, datetime); `in_area` says
    whether a published region is in the area the warehouse covers (ocds_buyers.resolve_buyer)."""
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    buyer = buyer_party(release)
    borough, is_london, buyer_match, publisher = resolve_buyer(release, alias_index, london_body, in_area=in_area)
    codes = _cpv(release)
    category, reason = _classify(codes, classify_cpv)
    awards = _live(release.get("awards"))
    contracts = _live(release.get("contracts"))
    suppliers = sorted({n for a in awards for s in objects(a.get("suppliers")) if (n := repair_text(s.get("name")))})
    periods = _periods(release)
    check = Checked()
    starts = [d for d in (check.date(p.get("startDate"), "contract period startDate") for p in periods) if d]
    ends = [d for d in (check.date(p.get("endDate"), "contract period endDate") for p in periods) if d]
    candidates = ranked_notice_documents(release)
    kind, kind_reason = notice_type(release, candidates)
    return {
        "ocid": _text(release.get("ocid")),
        "release_id": _text(release.get("id")),
        "release_date": parse_ocds_timestamp(release.get("date")),
        "tags": ";".join(tags(release)) or None,
        "buyer_id": _text(buyer.get("id")),
        "buyer_name": repair_text(buyer.get("name")),
        "borough_code": borough,
        "publisher_code": publisher,
        "is_london": is_london,
        "buyer_match": buyer_match,
        "stage": stage(release),
        "notice_type": kind,
        "notice_type_reason": kind_reason,
        "title": _title(release, tender),
        "description": repair_text(tender.get("description") or release.get("description")),
        "cpv_code": codes[0] if codes else None,
        "tech_category": category,
        "classification_reason": reason,
        "value_gbp": _planned_value(release, tender, check),
        "award_value_gbp": _sum(check.money(a.get("value"), "awards.value") for a in awards),
        "contract_value_gbp": _sum(check.money(c.get("value"), "contracts.value") for c in contracts),
        "supplier_names": "; ".join(suppliers) or None,
        "tender_start": check.date(get_in(tender, "tenderPeriod", "startDate"), "tender.tenderPeriod.startDate"),
        "tender_end": check.date(get_in(tender, "tenderPeriod", "endDate"), "tender.tenderPeriod.endDate"),
        "contract_start": min(starts) if starts else None,
        "contract_end": max(ends) if ends else None,
        "expected_market_date": _expected_market_date(release, check),
        "is_sme_suitable": _sme(tender),
        "status": _text(tender.get("status")),
        "url": _url(release, candidates),
        "value_problems": check.text(),  # last: every value above has been read
    }


def _text(value: object) -> str | None:
    return None if value is None or isinstance(value, (dict, list)) else (str(value).strip() or None)


def _url(release: Mapping, candidates: list[Mapping]) -> str | None:
    for doc in candidates[:1]:
        if doc.get("url"):
            return str(doc["url"])
    ocid = str(release.get("ocid") or "")
    if ocid.startswith("ocds-h6vhtk-") and release.get("id"):
        return f"https://www.find-tender.service.gov.uk/Notice/{release['id']}"
    for doc in candidates:
        if doc.get("url"):
            return str(doc["url"])
    # Contracts Finder release ids are the notice id plus a version number: "<notice uuid>-819950".
    notice = re.match(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-\d+$", str(release.get("id")))
    if ocid.startswith("ocds-b5fd17-") and notice:
        return f"https://www.contractsfinder.service.gov.uk/Notice/{notice.group(1)}"
    return None
