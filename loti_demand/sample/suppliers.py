"""Fictional suppliers: identifiers drawn from the seed, and the ways councils spell them."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from loti_demand.sample.supplier_names import IDENTIFIED_SUPPLIERS, NON_TECH_SUPPLIERS, TECH_SUPPLIERS


@dataclass(frozen=True)
class Supplier:
    """A fictional supplier: its registered name, what it sells and, for some, published identifiers."""

    name: str
    group: str
    is_tech: bool
    company_number: str | None = None
    vat_number: str | None = None

    @property
    def stem(self) -> str:
        return re.sub(r"\s+(Ltd|Limited|plc|LLP|Co Ltd)\.?$", "", self.name)

    @property
    def legal_form(self) -> str:
        match = re.search(r"\s(Ltd|Limited|plc|LLP|Co Ltd)\.?$", self.name)
        return match.group(1) if match else ""


def build_suppliers(seed: int) -> dict[str, list[Supplier]]:
    """Suppliers by group (tech category or non-tech expense group), in dominance order."""
    rng = random.Random(f"{seed}:suppliers")
    groups: dict[str, list[Supplier]] = {}
    for is_tech, table in ((True, TECH_SUPPLIERS), (False, NON_TECH_SUPPLIERS)):
        for group, names in table.items():
            groups[group] = [_supplier(name, group, is_tech, rng) for name in names]
    return groups


def _supplier(name: str, group: str, is_tech: bool, rng: random.Random) -> Supplier:
    if name not in IDENTIFIED_SUPPLIERS:
        return Supplier(name, group, is_tech)
    return Supplier(name, group, is_tech, f"99{rng.randrange(10**6):06d}", f"999{rng.randrange(10**6):06d}")


NAME_STYLES = ("registered", "upper", "ltd", "ltd_dot", "limited")


def supplier_spelling(supplier: Supplier, style: str) -> str:
    """How one council's finance system spells the supplier ('BRIGHTLINE SOFTWARE LTD', 'Brightline Software Ltd.')."""
    form = supplier.legal_form
    if not form or style == "registered":
        return supplier.name.upper() if style == "upper" else supplier.name
    if form in {"Ltd", "Limited", "Co Ltd"}:
        suffix = {"upper": "LTD", "ltd": "Ltd", "ltd_dot": "Ltd.", "limited": "Limited"}[style]
        if form == "Co Ltd":
            suffix = "Co " + suffix
        text = f"{supplier.stem} {suffix}"
        return text.upper() if style == "upper" else text
    suffix = form.upper() if style == "upper" or form == "LLP" else form  # plc, PLC, LLP
    text = f"{supplier.stem} {suffix}"
    return text.upper() if style == "upper" else text
