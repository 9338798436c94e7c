"""Classify spend lines and notices into tech categories with the versioned rules in
data/reference/tech_rules.csv. Every decision carries the rule that fired, for classification_reason."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache


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
        self._suppliers.sort(key=lambda cr: -cr[1].priority)  # named suppliers before generic name patterns
        # One combined search first: most supplier names match no rule, and then one search is all they cost.
        self._any_supplier = re.compile("|".join(f"(?:{r.pattern})" for _, r in self._suppliers) or "(?!)",
                                        re.IGNORECASE)
        self._exclude = [re.compile(r.pattern, re.IGNORECASE) for r in self.rules if r.rule_type == "exclude"]
        # Each name is searched once: a build asks of every payee's name and of its canonical name, mostly the same.
        self._supplier_rule = cache(self._supplier_rule)

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

    def classify_spend_text(
        self,
        expenditure_category: str | None,
        purpose: str | None = None,
        proclass_code: str | None = None,
        proclass_label: str | None = None,
    ) -> tuple[str | None, str | None, bool]:
        """(tech_category, reason, excluded) from what a spend line says it bought.

        An exclusion rule matching the text ("network rail", "salary sacrifice", "stationery"...) makes the
        line not tech, whatever its ProClass code or supplier: `excluded` is then True. Otherwise a ProClass
        ICT code makes it tech, and a specific keyword in the text (not the generic "IT purchases") may
        name the category more precisely than ProClass's coarse headings. Without ProClass, keywords in the
        expenditure category, then in the purpose, decide.
        """
        texts = [("expenditure category", t) for t in (expenditure_category,) if t]
        texts += [("purpose", t) for t in (purpose,) if t]
        if any(x.search(text) for _, text in texts for x in self._exclude):
            return None, None, True
        keyword = self._keyword_match(texts)
        rule = self._proclass_match(proclass_code, proclass_label)
        if rule:
            reason = f"ProClass {proclass_code or proclass_label!s} matches {rule.pattern}"
            if keyword and keyword[0].tech_category not in ("ict_other", rule.tech_category):
                kw_rule, field_name, text = keyword
                detail = f"{reason}; {field_name} '{text}' matches keyword {kw_rule.pattern}"
                return kw_rule.tech_category, detail, False
            return rule.tech_category, reason, False
        if keyword:
            kw_rule, field_name, text = keyword
            return kw_rule.tech_category, f"{field_name} '{text}' matches keyword {kw_rule.pattern}", False
        return None, None, False

    def _keyword_match(self, texts: list[tuple[str, str]]) -> tuple[Rule, str, str] | None:
        """The highest-priority keyword of the first field (category, then purpose) that has any."""
        for field_name, text in texts:
            for regex, rule in self._keywords:
                if regex.search(text):
                    return rule, field_name, text
        return None

    def classify_supplier(self, *names: str | None) -> tuple[str | None, str | None]:
        """(tech_category, reason) when one of the supplier's names is a known tech supplier."""
        for name in names:
            if name and (found := self._supplier_rule(name)):
                return found
        return None, None

    def _supplier_rule(self, name: str) -> tuple[str, str] | tuple[()]:
        if self._any_supplier.search(name):
            for regex, rule in self._suppliers:
                if regex.search(name):
                    return rule.tech_category, f"supplier '{name}' is a known tech supplier ({rule.pattern})"
        return ()

    def classify_spend(
        self,
        expenditure_category: str | None,
        purpose: str | None = None,
        proclass_code: str | None = None,
        proclass_label: str | None = None,
        supplier_name: str | None = None,
    ) -> tuple[str | None, str | None]:
        """Return (tech_category, reason) for one spend line, (None, None) when it is not tech.

        What the line says it bought decides; the supplier decides when the text is silent, or refines a text
        that says only "IT" (ict_other) when the supplier is a known specialist. The build does the same in two
        steps (text once per distinct text, supplier once per supplier) joined in the spend mart (spend.sql)."""
        tech, reason, excluded = self.classify_spend_text(expenditure_category, purpose, proclass_code, proclass_label)
        if excluded or (tech and tech != "ict_other"):
            return tech, reason
        supplier_tech, supplier_reason = self.classify_supplier(supplier_name)
        if tech == "ict_other":
            if supplier_tech and supplier_tech != "ict_other":
                return supplier_tech, f"{reason}; {supplier_reason}"
            return tech, reason
        return supplier_tech, supplier_reason

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
