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

    def classify_spend(
        self,
        expenditure_category: str | None,
        purpose: str | None = None,
        proclass_code: str | None = None,
        proclass_label: str | None = None,
        supplier_name: str | None = None,
    ) -> tuple[str | None, str | None]:
        """Return (tech_category, reason) for one spend line, (None, None) when it is not tech."""
        rule = self._proclass_match(proclass_code, proclass_label)
        if rule:
            return rule.tech_category, f"ProClass {proclass_code or proclass_label!s} matches {rule.pattern}"
        for field_name, text in (("expenditure category", expenditure_category), ("purpose", purpose)):
            if not text or any(x.search(text) for x in self._exclude):
                continue
            for regex, rule in self._keywords:
                if regex.search(text):
                    return rule.tech_category, f"{field_name} '{text}' matches keyword {rule.pattern}"
        if supplier_name and not any(
            t and any(x.search(t) for x in self._exclude) for t in (expenditure_category, purpose)
        ):
            for regex, rule in self._suppliers:
                if regex.search(supplier_name):
                    return rule.tech_category, f"supplier '{supplier_name}' is a known tech supplier ({rule.pattern})"
        return None, None

    def classify_text(self, fields: Iterable[tuple[str, str | None]]) -> tuple[str | None, str | None]:
        """Return (tech_category, reason) for free text such as a challenge's title and statement.

        Fields are tried in order (the first with a match wins), keyword rules by priority. Unlike
        classify_spend, an exclude rule vetoes only the keyword matches it overlaps: a long statement that
        mentions "data protection" somewhere may still be about sensors elsewhere.
        """
        for field_name, text in fields:
            if not text:
                continue
            vetoed = [m.span() for x in self._exclude for m in x.finditer(text)]
            for regex, rule in self._keywords:
                for match in regex.finditer(text):
                    start, end = match.span()
                    if not any(start < v_end and v_start < end for v_start, v_end in vetoed):
                        return rule.tech_category, f'the {field_name} mentions "{match.group(0).strip()}"'
        return None, None
