"""Flatten an OCDS release (or a compiled release) into the columns of `notices` / `procurements`.

Pure functions over parsed JSON. Stage and notice type come from the declared tables in notice_types.py;
buyer -> borough is identifier, then name, then London body, then region (see `resolve_buyer`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from loti_demand.normalise.notice_types import (
    get_in,
    is_one_of,
    notice_type,
    objects,
    ranked_notice_documents,
    stage,
    tags,
)
from loti_demand.normalise.organisations import borough_from_identifier, match_borough
from loti_demand.normalise.text import clean_text

LONDON_REGIONS = ("LONDON", "GREATER LONDON")
# Awards and contracts with these statuses are not money committed.
_DEAD = {"cancelled", "unsuccessful", "terminated"}

# Mojibake: UTF-8 read as cp1252 ("Â£" for "£", "â€¯" for a narrow space), and "\r\n" escapes that lost
# their backslashes ("GP.rnrnThe"), seen in Contracts Finder releases copied through other tools.
_CONT = (
    r"[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    r"\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)  # cp1252 text of bytes 0x80-0xBF
_MOJIBAKE = re.compile(rf"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}")
_LOST_CRLF = re.compile(r"(?:rn){2}(?=[A-Z0-9]|https?:)|(?<![A-Za-z])rn(?=[A-Z0-9])")


def repair_text(value: object) -> str | None:
    """Repair mojibake and lost line breaks, then trim and collapse whitespace; None for blank text."""
    if not isinstance(value, str):
        return clean_text(value) if value is not None and not isinstance(value, (dict, list)) else None
    text = _MOJIBAKE.sub(_unmangle, value) if max(value, default=" ") >= "\u00c2" else value
    return clean_text(_LOST_CRLF.sub("\n", text))


def _unmangle(match: re.Match[str]) -> str:
    try:
        return match.group(0).encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return match.group(0)


def _live(entries: object) -> list[Mapping]:
    """Awards or contracts that still stand (not cancelled, unsuccessful or terminated)."""
    return [e for e in objects(entries) if str(e.get("status")) not in _DEAD]


MONEY_LIMIT = Decimal("1e16")  # DECIMAL(18, 2) holds 16 digits before the point
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)  # contracts run for decades; later than this is a typing error


def parse_money(value: object) -> Decimal | None:
    """An OCDS Value object in pounds, to the penny; None when absent, not in GBP, or when it cannot count in a
    total (see money_problem).

    A missing currency is read as GBP: UK publishers leave it out."""
    if money_problem(value) or not isinstance(value, dict) or value.get("amount") in (None, ""):
        return None
    if (value.get("currency") or "GBP") != "GBP":
        return None
    return Decimal(str(value["amount"]).replace(",", "")).quantize(Decimal("0.01"))


def money_problem(value: object) -> str | None:
    """Why an OCDS Value's amount is left out of every total: not a number, not finite (Infinity, NaN), negative,
    or too large to be true. None when it counts, or when there is no amount."""
    if not isinstance(value, dict) or value.get("amount") in (None, ""):
        return None
    amount = value["amount"]
    try:
        number = None if isinstance(amount, bool) else Decimal(str(amount).replace(",", ""))
    except (InvalidOperation, ValueError):
        number = None
    if number is None:
        return f"amount {str(amount)[:40]!r} is not a number"
    if not number.is_finite():
        return f"amount {amount} is not a finite number"
    if number < 0:
        return f"amount {amount} is negative"
    if number >= MONEY_LIMIT:
        return f"amount {amount} is too large to be a real value"
    return None


def date_problem(value: object) -> str | None:
    """Why an OCDS date is left out: a real date outside 1990 to 2100 (None for any other value)."""
    day = calendar_date(value)
    if day and not EARLIEST <= day <= LATEST:
        return f"date {day.isoformat()} is outside {EARLIEST.year} to {LATEST.year}"
    return None


class Checked:
    """Reads a release's amounts and dates, noting each one left out and why (notices.value_problems), so that
    no total includes a negative or infinite amount and no page a date in the year 9999."""

    def __init__(self) -> None:
        self.notes: list[str] = []

    def money(self, value: object, where: str) -> Decimal | None:
        if problem := money_problem(value):
            self.notes.append(f"{where} {problem}: left out of totals")
        return parse_money(value)

    def date(self, value: object, where: str) -> dt.date | None:
        if problem := date_problem(value):
            self.notes.append(f"{where} {problem}: left out")
        return parse_ocds_date(value)

    def text(self) -> str | None:
        return "; ".join(dict.fromkeys(self.notes)) or None


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal("0.00")) if present else None


def calendar_date(value: object) -> dt.date | None:
    """The calendar date of an OCDS date-time as published ('2025-04-23T23:59:59+01:00' -> 2025-04-23), any year."""
    if not isinstance(value, str) or not re.match(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def parse_ocds_date(value: object) -> dt.date | None:
    """calendar_date, or None outside 1990 to 2100 (a typing error such as 9999-12-31)."""
    day = calendar_date(value)
    return day if day and EARLIEST <= day <= LATEST else None


def parse_ocds_timestamp(value: object) -> dt.datetime | None:
    """An OCDS date-time as a naive UTC timestamp (offsets applied; no offset = UTC); None outside 1990 to 2100."""
    day = parse_ocds_date(value)
    if day is None:
        return None
    try:
        stamp = dt.datetime.fromisoformat(value.strip())  # type: ignore[union-attr]
    except ValueError:
        return dt.datetime(day.year, day.month, day.day)
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    return stamp


def _buyer(release: Mapping) -> Mapping:
    """The buyer's party (merged with the buyer reference), or the reference alone."""
    buyer = release.get("buyer") if isinstance(release.get("buyer"), dict) else {}
    parties = objects(release.get("parties"))
    party = next((p for p in parties if buyer.get("id") is not None and p.get("id") == buyer.get("id")), None)
    party = party or next((p for p in parties if isinstance(p.get("roles"), list) and "buyer" in p["roles"]), None)
    if party is None:
        return buyer
    return {**party, **{k: v for k, v in buyer.items() if v and isinstance(k, str)}}


def _identifiers(buyer: Mapping) -> list[str]:
    ids = [buyer.get("id")]
    for ident in (buyer.get("identifier"), *objects(buyer.get("additionalIdentifiers"))):
        if isinstance(ident, dict) and ident.get("id"):
            ids.append(f"{ident.get('scheme') or ''}-{ident['id']}")
    return [str(i) for i in ids if i]


def _regions(release: Mapping, buyer: Mapping) -> Iterable[tuple[str, str]]:
    yield "buyer region", str(get_in(buyer, "address", "region") or "")
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    places = [*objects(tender.get("deliveryAddresses"))]
    for item in [*objects(tender.get("items")), *objects(tender.get("lots"))]:
        places += objects(item.get("deliveryAddresses"))
        places += [a for a in objects(item.get("deliveryLocations")) if isinstance(a.get("address"), dict)]
    for place in places:
        yield "delivery region", str(get_in(place, "region") or get_in(place, "address", "region") or "")


class Buyer(NamedTuple):
    """Who bought: a borough (publisher_code = borough_code), a London-wide body (publisher_code = its body_code,
    borough_code None), another London buyer (both None, is_london) or a buyer outside London."""

    borough_code: str | None
    is_london: bool
    how: str | None
    publisher_code: str | None = None


def resolve_buyer(
    release: Mapping, alias_index: Mapping[str, str], london_body: Callable[[str], str | None] = lambda name: None
) -> Buyer:
    """By identifier (GB-LAC-E09..., ONS codes), then by name with the aliases, then as a London body that is not a
    borough (`london_body` gives its code), then by a London region (ITL/NUTS UKI*, or 'London') of the buyer or of
    a delivery address. Other buyers: Buyer(None, False, None)."""
    buyer = _buyer(release)
    for ident in _identifiers(buyer):
        code = borough_from_identifier(ident)
        if code:
            return Buyer(code, True, f"identifier {ident}", code)
    names = [n for n in (buyer.get("name"), get_in(buyer, "identifier", "legalName")) if isinstance(n, str)]
    for name in names:
        code = match_borough(repair_text(name), alias_index)
        if code:
            return Buyer(code, True, f"name '{repair_text(name)}'", code)
    for name in names:
        if body := london_body(repair_text(name) or ""):
            return Buyer(None, True, f"London body '{repair_text(name)}'", body)
    for what, published in _regions(release, buyer):
        region = published.strip().upper()
        if region.startswith(("UKI", "TLI")) or region in LONDON_REGIONS:
            return Buyer(None, True, f"{what} {published.strip()}")
    return Buyer(None, False, None)


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
) -> dict:
    """The notice/procurement columns of one release, as Python values (Decimal, date, datetime)."""
    tender = release.get("tender") if isinstance(release.get("tender"), dict) else {}
    buyer = _buyer(release)
    borough, is_london, buyer_match, publisher = resolve_buyer(release, alias_index, london_body)
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
