"""Classify spend lines and notices into tech categories with the versioned rules in
data/reference/tech_rules.csv. Every decision carries the rule that fired, for classification_reason."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    tech_category: str
    rule_type: str
    pattern: str
    priority: int


class Classifier:
    """Apply CPV, ProClass, keyword and supplier rules; exclusions veto keyword and supplier matches."""

    def __init__(self, rules: Iterable[Mapping[str, str]]) -> None:
        self.rules = [
            Rule(r["tech_category"], r["rule_type"].strip().lower(), r["pattern"].strip(), int(r.get("priority") or 0))
            for r in rules
        ]
        self._cpv = sorted(
            ((r.pattern, r) for r in self.rules if r.rule_type == "cpv"), key=lambda pr: -len(pr[0])
        )
        self._proclass = sorted((r for r in self.rules if r.rule_type == "proclass"), key=lambda r: -len(r.pattern))
        self._keywords = [(re.compile(r.pattern, re.IGNORECASE), r) for r in self.rules if r.rule_type == "keyword"]
        self._keywords.sort(key=lambda cr: -cr[1].priority)
        self._suppliers = [(re.compile(r.pattern, re.IGNORECASE), r) for r in self.rules if r.rule_type == "supplier"]
        # One combined search first: most supplier names match no rule, and then one search is all they cost.
        self._any_supplier = re.compile("|".join(f"(?:{r.pattern})" for _, r in self._suppliers) or "(?!)",
                                        re.IGNORECASE)
        self._exclude = [re.compile(r.pattern, re.IGNORECASE) for r in self.rules if r.rule_type == "exclude"]

    def classify_cpv(self, cpv: object) -> tuple[str | None, str | None]:
        """CPV '48000000-8' -> ('software', 'CPV 48000000 starts 48'); the longest matching prefix wins."""
        digits = re.sub(r"\D", "", str(cpv or ""))[:8]
        if not digits:
            return None, None
        for prefix, rule in self._cpv:
            if digits.startswith(prefix):
                return rule.tech_category, f"CPV {digits} starts {prefix}"
        return None, None

    def _proclass_match(self, code: str | None, label: str | None) -> Rule | None:
        for rule in self._proclass:
            pattern = rule.pattern.lower()
            if code and re.sub(r"\D", "", str(code)).startswith(pattern):
                return rule
            if label and pattern == str(label).strip().lower():
                return rule
        return None

    def classify_text(
        self,
        expenditure_category: str | None,
        purpose: str | None = None,
        proclass_code: str | None = None,
        proclass_label: str | None = None,
    ) -> tuple[str | None, str | None, bool]:
        """(tech_category, reason, excluded) from what a spend line says it bought.

        ProClass codes win; then keywords in the expenditure category, then in the purpose. `excluded` is
        True when an exclusion rule matched the text ("network rail", "premises licence"...): such a line
        may not be called tech by its supplier either.
        """
        rule = self._proclass_match(proclass_code, proclass_label)
        if rule:
            return rule.tech_category, f"ProClass {proclass_code or proclass_label!s} matches {rule.pattern}", False
        excluded = False
        for field_name, text in (("expenditure category", expenditure_category), ("purpose", purpose)):
            if not text:
                continue
            if any(x.search(text) for x in self._exclude):
                excluded = True
                continue
            for regex, rule in self._keywords:
                if regex.search(text):
                    return rule.tech_category, f"{field_name} '{text}' matches keyword {rule.pattern}", False
        return None, None, excluded

    def classify_supplier(self, *names: str | None) -> tuple[str | None, str | None]:
        """(tech_category, reason) when one of the supplier's names is a known tech supplier."""
        for name in names:
            if not name or not self._any_supplier.search(name):
                continue
            for regex, rule in self._suppliers:
                if regex.search(name):
                    return rule.tech_category, f"supplier '{name}' is a known tech supplier ({rule.pattern})"
        return None, None

    def classify_spend(
        self,
        expenditure_category: str | None,
        purpose: str | None = None,
        proclass_code: str | None = None,
        proclass_label: str | None = None,
        supplier_name: str | None = None,
    ) -> tuple[str | None, str | None]:
        """Return (tech_category, reason) for one spend line, (None, None) when it is not tech.

        The build does the same in two steps (text once per distinct text, supplier once per supplier)."""
        tech, reason, excluded = self.classify_text(expenditure_category, purpose, proclass_code, proclass_label)
        if tech or excluded:
            return tech, reason
        return self.classify_supplier(supplier_name)
