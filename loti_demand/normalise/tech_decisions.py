"""What one piece of evidence says of a spend line (its words, its supplier's name, its supplier's contract awards)
and how the pieces combine into the line's tech category, reason and confidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from loti_demand.normalise.suppliers import supplier_key

# Where a line's words name only a broad kind of IT, what its supplier is known for may name the kind more precisely
# (the build writes the pairs these tables allow as ref_refinements, for models/marts/spend.sql): words saying only
# "IT" take any supplier's kind; IT support, maintenance or consultancy ('Computer Maintenance', 'IT Consultancy')
# takes the kind of a supplier known for one (the software vendor's support is software, as the taxonomy counts "the
# supplier support that comes with" software; the network firm's maintenance is networks; the digital agency's
# consultancy is digital delivery), but not a hardware firm's, as the taxonomy puts "maintenance and repair of
# equipment" under IT support. The table gives each broad kind the supplier kinds that do not name it more precisely.
GENERAL_IT = "ict_other"
TOO_BROAD_TO_REFINE = {
    "ict_other": frozenset({"ict_other"}),
    "it_services": frozenset({"ict_other", "it_services", "devices"}),
}
# Words naming a kind keep it, whoever is paid, except where the taxonomy puts the supplier's kind of that thing in
# another category: equipment ('Hardware Rental') from a copier or printer firm is its copiers (print and document
# technology), and from a hosting firm its hosting (a cloud charge booked as computer hardware); software from a
# mapping, data or sensor firm is of that field (the taxonomy counts GIS "and the systems that use them", data "tools"
# and sensor "platforms" there), and from a hosting firm its hosting (a cloud subscription booked as software: Amazon
# Web Services); a security firm's software stays software; telephony words ('Telecoms') paid to a software vendor are
# its call-handling or messaging software; IT infrastructure from a telecoms or hosting firm is its network or hosting
# (a council's "IT Infrastructure" heading covers the network and hosted systems as well as servers).
NARROWED_BY_SUPPLIER = {
    "devices": frozenset({"print_document", "cloud_hosting"}),
    "software": frozenset({"geospatial", "data_analytics", "smart_city_iot", "cloud_hosting"}),
    "networks_telecoms": frozenset({"software"}),
    "it_infrastructure": frozenset({"networks_telecoms", "cloud_hosting"}),
}


def refined_by_supplier(words: str | None, supplier: str | None) -> bool:
    """Whether a line whose own words name the kind `words` (high confidence) takes its supplier's kind instead."""
    if not supplier:
        return False
    too_broad = TOO_BROAD_TO_REFINE.get(words)
    return (too_broad is not None and supplier not in too_broad) or supplier in NARROWED_BY_SUPPLIER.get(words, ())


def refinements(categories: Iterable[str]) -> list[tuple[str, str]]:
    """Every (words' kind, supplier's kind) pair of `categories` where the supplier's kind is taken."""
    categories = list(categories)
    return [(w, s) for w in categories for s in categories if refined_by_supplier(w, s)]


@dataclass(frozen=True)
class Rule:
    tech_category: str
    rule_type: str
    pattern: str
    priority: int


@dataclass(frozen=True)
class TextDecision:
    """What a line's own words say: a category (None when silent), why, how sure, and whether an exclusion rule
    vetoes technology whatever the supplier (`excluded`)."""

    tech_category: str | None = None
    reason: str | None = None
    confidence: str | None = None  # high (what-columns, ProClass) | medium (a standard heading alone) | low
    # (who-columns only)
    excluded: bool = False
    method: str | None = None  # text | proclass | heading | department
    # No column of the line says what was bought (no ProClass code; only who bought it, who was paid, codes or
    # nothing): the supplier's other payments may speak for it, and its own decision (a keyword in the payee's
    # name) is no evidence for them (models/intermediate/int_supplier_line_evidence.sql).
    silent: bool = False
    # Words that name the kind of thing bought without saying it was technology ('Hardware', 'Consultancy': kind
    # rules): where the supplier is a general IT firm, known only for "Other or unspecified IT" (a reseller), they name
    # the line's kind (devices, IT support), as a heading naming only "IT" takes a specialist supplier's kind.
    kind: str | None = None
    kind_reason: str | None = None


@dataclass(frozen=True)
class SupplierDecision:
    tech_category: str | None = None
    reason: str | None = None
    method: str | None = None  # supplier list | name signal (award evidence is added by the build)
    excluded: bool = False  # a staffing or recruitment agency: not tech, whatever the line's heading says
    # excluded unless the line's own words say technology was bought ('Computer Software' paid to Pay360)
    yields_to_words: bool = False


def award_evidence(awards: Iterable[tuple]) -> dict[str, SupplierDecision]:
    """{supplier key: decision} from awarded procurements, rows of (ocid, title, cpv, tech_category, value, supplier
    names): a supplier that won more technology contracts (CPV) than other contracts is evidence for its payments,
    and the reason names its largest technology award."""
    won: dict[str, list] = {}
    for ocid, title, cpv, category, value, names in awards:
        for name in names or ():
            if key := supplier_key(name):
                won.setdefault(key, []).append((category, value or 0, ocid, title, cpv, name))
    evidence = {}
    for key, found in won.items():
        tech = sorted((a for a in found if a[0]), key=lambda a: (-a[1], a[2]))
        if tech and len(tech) * 2 >= len(found):
            category = Counter(a[0] for a in tech).most_common(1)[0][0]
            _, _, ocid, title, cpv, name = tech[0]
            evidence[key] = SupplierDecision(
                category,
                f"supplier '{name}' won {len(tech)} technology contract{'s' if len(tech) > 1 else ''} in "
                f"the notices, e.g. '{title}' ({ocid}, CPV {cpv})",
                "contract award",
            )
    return evidence


def combine(text: TextDecision, supplier: SupplierDecision) -> tuple[str | None, str | None, str | None, str | None]:
    """(tech_category, reason, confidence, method) from what the line says and what its supplier is known for; the
    build's SQL (models/marts/spend.sql) follows the same order, and also uses what a supplier on no list's other
    payments say (int_supplier_line_evidence.sql: it needs the whole warehouse): the kind they name refines a line
    whose words name only IT in general or IT support, and a silent line that is still unclassified takes their
    category."""
    if text.excluded or (supplier.excluded and not (supplier.yields_to_words and text.confidence == "high")):
        return None, None, None, None
    if text.confidence == "high":
        if refined_by_supplier(text.tech_category, supplier.tech_category):
            return supplier.tech_category, f"{text.reason}; {supplier.reason}", "high", text.method
        return text.tech_category, text.reason, "high", text.method
    if supplier.tech_category == GENERAL_IT and text.kind:
        return text.kind, f"{supplier.reason}; {text.kind_reason}", "medium", supplier.method
    if supplier.tech_category:
        return supplier.tech_category, supplier.reason, "medium", supplier.method
    return text.tech_category, text.reason, text.confidence, text.method
