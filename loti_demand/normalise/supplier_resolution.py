"""Resolve published supplier names to suppliers: one decision per distinct name, each with a method,
a confidence (0-1) and a reason a person can check.

Evidence, strongest first:
1. an officer's override (data/reference/supplier_overrides.csv): always wins, and pins the name so no
   automatic rule moves it;
2. identifiers published with the name: Companies House number (trusted outright), the council's own
   supplier id and the VAT number (trusted only when one name's words are all in the other's, because
   VAT group registrations cover many companies: BT and EE publish one VAT number);
3. the normalised name (case, punctuation, Ltd/Limited/PLC/LLP, 't/a' and what a publisher's export added at the
   end, a vendor number or '_a', ignored);
4. fuzzy matching of normalised names (rapidfuzz): same first word, same numbers, ratio >= FUZZY_MIN and
   every differing word a near spelling (normalise.suppliers.near_spelling).
Names linked by any of these form one supplier; its canonical name is its most frequent spelling.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from loti_demand.normalise.suppliers import (
    clean_identifier,
    name_digits,
    near_spelling,
    same_name_words,
    supplier_key,
)

FUZZY_MIN = 90
GENERIC_IDENTIFIER_KEYS = 10  # an identifier shared by more names than this is a sundry account: ignored
MIN_FUZZY_LENGTH = 6
CONFIDENCE = {"override": 1.0, "company number": 1.0, "normalised name": 1.0, "supplier id": 0.95, "VAT number": 0.9}
METHOD_ORDER = ("override", "company number", "normalised name", "supplier id", "VAT number", "fuzzy")


@dataclass(frozen=True)
class Published:
    """One distinct published supplier name with the identifiers seen with it."""

    name: str
    lines: int = 1
    # (borough_code, id) pairs: a council's supplier id means something only within that council, and one name
    # may be paid by several councils under ids of their own.
    supplier_refs: tuple[tuple[str | None, str], ...] = ()
    vat_numbers: tuple[str, ...] = ()
    company_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Override:
    supplier_name: str
    canonical_name: str
    note: str = ""


@dataclass
class Match:
    supplier_name: str
    supplier_id: str
    canonical_name: str
    match_method: str
    confidence: float
    reason: str
    company_number: str | None = None
    vat_number: str | None = None


@dataclass
class _Graph:
    edges: dict[str, list[tuple[str, float, str, str]]] = field(default_factory=lambda: defaultdict(list))

    def link(self, a: str, b: str, confidence: float, method: str, reason: str, reason_from_b: str = "") -> None:
        """Join a and b. `reason` explains b's match when reached from a; `reason_from_b` the other way."""
        if a != b:
            self.edges[a].append((b, confidence, method, reason))
            self.edges[b].append((a, confidence, method, reason_from_b or reason))


def resolve(
    published: Iterable[Published],
    overrides: Iterable[Override] = (),
    ignored: Collection[tuple[str, str]] | None = None,
) -> list[Match]:
    """One Match per distinct published name (blank and redacted names are left out). `ignored`: the identifiers
    ((method, value) as identifiers() gives them) shared by too many names to link them, when decided over more
    names than these (for a part of the names that holds whole suppliers: the Spark build's); None: decided here."""
    keys: dict[str, str] = {}
    by_key: dict[str, list[Published]] = defaultdict(list)
    for record in published:
        key = keys.setdefault(record.name, supplier_key(record.name) or "")
        if key:
            by_key[key].append(record)
    graph = _Graph()
    pinned = _link_overrides(graph, overrides, by_key)
    free = [k for k in by_key if k not in pinned]
    _link_identifiers(graph, {k: by_key[k] for k in free}, ignored or ())
    _link_fuzzy(graph, free)
    return _matches(graph, by_key, pinned, keys)


def override_links(overrides: Iterable[Override]) -> Iterator[tuple[str, str, Override]]:
    """(the overridden name's key, its canonical name's key, the override) of each usable override: the key is
    pinned (linked by nothing else) and linked to the canonical name's."""
    for override in overrides:
        key, target = supplier_key(override.supplier_name), supplier_key(override.canonical_name)
        if key and target:
            yield key, target, override


def identifiers(record: Published) -> Iterator[tuple[str, str]]:
    """The identifiers a name can be linked by, cleaned, as (method, value); a council's supplier id is scoped to
    its council ('<borough>:<id>')."""
    for borough, raw in record.supplier_refs:
        if (value := clean_identifier(raw, "supplier")) is not None:
            yield "supplier id", f"{borough}:{value}"
    for method, kind, values in (
        ("VAT number", "vat", record.vat_numbers),
        ("company number", "company", record.company_numbers),
    ):
        for raw in values:
            if (value := clean_identifier(raw, kind)) is not None:
                yield method, value


def fuzzy_block(key: str) -> tuple[str, tuple[str, ...]] | None:
    """The block of keys a key is compared with for fuzzy links (same first word, same numbers); None for a key too
    short to compare."""
    return (key.split(" ", 1)[0], name_digits(key)) if len(key) >= MIN_FUZZY_LENGTH else None


def _link_overrides(graph: _Graph, overrides: Iterable[Override], by_key) -> dict[str, str]:
    """Link each overridden name to its canonical name; return {key: canonical name} of pinned keys."""
    pinned: dict[str, str] = {}
    for key, target, override in override_links(overrides):
        pinned[key] = override.canonical_name
        note = f": {override.note}" if override.note else ""
        graph.link(
            key,
            target,
            1.0,
            "override",
            f"officer override: '{override.supplier_name}' is '{override.canonical_name}'{note}",
        )
    return pinned


def _link_identifiers(graph: _Graph, by_key: dict[str, list[Published]], ignored: Collection[tuple[str, str]]) -> None:
    holders: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # (method, value) -> {key: a name}
    for key, records in by_key.items():
        for record in records:
            for identifier in identifiers(record):
                holders[identifier].setdefault(key, record.name)
    for (method, scope), names in holders.items():
        if len(names) < 2 or len(names) > GENERIC_IDENTIFIER_KEYS or (method, scope) in ignored:
            continue
        ordered = sorted(names)
        value = scope.split(":", 1)[-1]
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                # Company numbers name one legal entity; VAT numbers and council ids can cover a group.
                if method == "company number" or same_name_words(names[a], names[b]):
                    graph.link(
                        a,
                        b,
                        CONFIDENCE[method],
                        method,
                        f"same {method} {value} as '{names[a]}'",
                        f"same {method} {value} as '{names[b]}'",
                    )


def _link_fuzzy(graph: _Graph, keys: list[str]) -> None:
    """Link near-identical keys; blocks (same first word, same numbers) keep the comparison small."""
    blocks: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for key in keys:
        if (block := fuzzy_block(key)) is not None:
            blocks[block].append(key)
    for block in blocks.values():
        if len(block) < 2:
            continue
        for start in range(0, len(block), 2000):
            chunk = block[start : start + 2000]
            scores = process.cdist(chunk, block, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN, dtype="uint8")
            for i, j in zip(*scores.nonzero(), strict=True):
                a, b = chunk[i], block[j]
                if a < b and (score := near_spelling(a, b, FUZZY_MIN)):
                    graph.link(
                        a,
                        b,
                        score / 100,
                        "fuzzy",
                        f"spelled like '{a}' ({score:.0f}% alike)",
                        f"spelled like '{b}' ({score:.0f}% alike)",
                    )


def _components(graph: _Graph, keys: Iterable[str]) -> list[list[str]]:
    seen: set[str] = set()
    components = []
    for start in keys:
        if start in seen:
            continue
        stack, component = [start], []
        seen.add(start)
        while stack:
            node = stack.pop()
            component.append(node)
            for other, *_ in graph.edges.get(node, ()):
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        components.append(component)
    return components


def _matches(
    graph: _Graph, by_key: dict[str, list[Published]], pinned: dict[str, str], keys: dict[str, str]
) -> list[Match]:
    matches: list[Match] = []
    for component in _components(graph, sorted(by_key)):
        members = [r for k in component for r in by_key.get(k, ())]
        if not members:
            continue
        canonical = _canonical(component, members, pinned)
        canonical_key = keys.get(canonical) or supplier_key(canonical) or keys[members[0].name]
        if canonical_key not in component:
            canonical_key = keys[max(members, key=lambda r: (r.lines, r.name)).name]
        anchor = canonical_key
        paths = _widest_paths(graph, anchor)
        company = _first(clean_identifier(c, "company") for r in members for c in r.company_numbers)
        vat = _first(clean_identifier(v, "vat") for r in members for v in r.vat_numbers)
        for record in members:
            key = keys[record.name]
            confidence, method, reason = paths.get(key, (1.0, "normalised name", ""))
            if key == anchor:
                confidence, method = 1.0, "override" if key in pinned else "normalised name"
                reason = (
                    f"officer override to '{canonical}'"
                    if key in pinned
                    else f"the supplier's own name, once case, punctuation and legal form are ignored ('{key}')"
                )
            matches.append(
                Match(record.name, canonical_key, canonical, method, round(confidence, 4), reason, company, vat)
            )
    return matches


def _canonical(component: list[str], members: list[Published], pinned: dict[str, str]) -> str:
    for key in component:
        if key in pinned:
            return pinned[key]
    totals: dict[str, int] = defaultdict(int)
    for record in members:
        totals[record.name] += record.lines
    return max(totals, key=lambda name: (totals[name], name))


def _widest_paths(graph: _Graph, anchor: str) -> dict[str, tuple[float, str, str]]:
    """For each node: (confidence, method, reason) of the path from the anchor whose weakest link is the
    strongest; method and reason are those of that weakest link."""
    best: dict[str, tuple[float, str, str]] = {anchor: (1.0, "", "")}
    heap = [(-1.0, anchor)]
    done: set[str] = set()
    while heap:
        _, node = heapq.heappop(heap)
        if node in done:
            continue
        done.add(node)
        width, method, reason = best[node]
        for other, confidence, edge_method, edge_reason in graph.edges.get(node, ()):
            new = (
                (confidence, edge_method, edge_reason) if not method or confidence <= width else (width, method, reason)
            )
            if other not in done and new[0] > best.get(other, (-1.0, "", ""))[0]:
                best[other] = new
                heapq.heappush(heap, (-new[0], other))
    return best


def _first(values: Iterable[str | None]) -> str | None:
    return next((v for v in values if v), None)
