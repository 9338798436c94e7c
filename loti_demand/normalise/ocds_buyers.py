"""Who bought, from an OCDS release: a borough, a London-wide body, another London buyer or a buyer outside London
(see `resolve_buyer`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

from loti_demand.normalise.notice_types import get_in, objects
from loti_demand.normalise.organisations import borough_from_identifier, match_borough
from loti_demand.normalise.text import repair_text


def buyer_party(release: Mapping) -> Mapping:
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
    release: Mapping,
    alias_index: Mapping[str, str],
    london_body: Callable[[str], str | None] = lambda name: None,
    *,
    in_area: Callable[[str], bool],
) -> Buyer:
    """By identifier (GB-LAC-E09..., ONS codes of the region's authorities), then by name with the aliases, then as
    a body of the area that is not an authority (`london_body` gives its code), then by a region of the buyer or of
    a delivery address inside the area (`in_area`, Reference.in_area: London's UKI* or 'London' for London). Other
    buyers: Buyer(None, False, None)."""
    buyer = buyer_party(release)
    for ident in _identifiers(buyer):
        code = match_borough(borough_from_identifier(ident), alias_index)
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
        if in_area(published):
            return Buyer(None, True, f"{what} {published.strip()}")
    return Buyer(None, False, None)
