"""Classify spend lines and notices into tech categories with the versioned rules in data/reference/tech_rules.csv
and the kept list of technology suppliers in data/reference/tech_suppliers.csv. Every decision carries the rule
that fired (classification_reason) and how sure it is (confidence).

A spend line is read whole: every descriptive column the file has ('Header: value | ...', see
sources/spend_batches.describe). Columns that say what was bought (expense type, account, subjective, purpose,
ProClass or merchant category) decide; columns that say who bought it (department, service, cost centre) only
suggest, unless the line has no column at all that could say what was bought (a code or the capital/revenue flag
says nothing): then an IT department decides. Confidence:
- high: the line's own words (a keyword in a what-column, or a ProClass ICT code), or an officer's correction;
- medium: the line's words are silent and the supplier is known for technology (the kept supplier list, its tech
  contract awards in the warehouse, or a guarded name signal such as '... Software Ltd'); or the line has no
  column saying what was bought and was bought by an IT department ('Corporate IT'), or an IT or digital department
  bought what the line's words name only as a kind ('Consultants Fees', 'Equipment'), or (the build, across the
  warehouse) the supplier's other payments whose lines do say are almost all technology;
- low ("possibly tech"): only the buying department or cost centre suggests technology.
Pages count high and medium as tech spend and state the low amount beside it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache

from loti_demand.normalise.line_columns import (
    NOT_WORDS,
    as_words,
    description_parts,
    is_who_column,
    join_descriptions,
    names_a_party,
    says_what,
)
from loti_demand.normalise.prefilter import Prefilter
from loti_demand.normalise.suppliers import card_merchant
from loti_demand.normalise.tech_decisions import Rule, SupplierDecision, TextDecision, combine, refined_by_supplier

# A department named for IT in general names no area of it.
GENERAL_IT_AREAS = frozenset({"ict_other", "it_services"})


@lru_cache(maxsize=8192)
def _pattern(text: str) -> re.Pattern:
    """A rule's pattern compiled, case-insensitive, once per process: the rules hold more patterns than the re module
    keeps compiled, and every build (two classifiers each) compiled them all again."""
    return re.compile(text, re.IGNORECASE)


class Classifier:
    """Apply CPV, ProClass, keyword, supplier and name-signal rules; exclusions veto keyword and supplier matches."""

    def __init__(self, rules: Iterable[Mapping[str, str]], suppliers: Iterable[Mapping[str, str]] = ()) -> None:
        self.rules = [
            Rule(r["tech_category"], r["rule_type"].strip().lower(), r["pattern"].strip(), int(r.get("priority") or 0))
            for r in rules
        ]
        self._cpv = sorted(((r.pattern, r) for r in self.rules if r.rule_type == "cpv"), key=lambda pr: -len(pr[0]))
        self._proclass = sorted((r for r in self.rules if r.rule_type == "proclass"), key=lambda r: -len(r.pattern))
        self._keywords = [(_pattern(r.pattern), r) for r in self.rules if r.rule_type == "keyword"]
        self._keywords.sort(key=lambda cr: -cr[1].priority)
        # The kept supplier list (named companies, each with its source) before the generic name signals.
        named = [
            (_pattern(s["match"]), Rule(s["tech_category"], "supplier list", s["supplier"], 10)) for s in suppliers
        ]
        signals = [(_pattern(r.pattern), r) for r in self.rules if r.rule_type in ("supplier", "name_signal")]
        signals.sort(key=lambda cr: -cr[1].priority)
        self._suppliers = named + signals
        # Most supplier names match no rule: each name is searched only with the rules whose words it holds.
        self._supplier_filter = Prefilter([r for r, _ in self._suppliers])
        self._exclude = [_pattern(r.pattern) for r in self.rules if r.rule_type == "exclude"]
        self._exclude_buyer = [_pattern(r.pattern) for r in self.rules if r.rule_type == "exclude_buyer"]
        # Suppliers whose lines are never technology; those of exclude_supplier_unless_said rules (Pay360, which
        # processes card payments and sells payment software) only where the line's own words do not say it was.
        vetoes = [r for r in self.rules if r.rule_type in ("exclude_supplier", "exclude_supplier_unless_said")]
        self._exclude_supplier = [_pattern(r.pattern) for r in vetoes]
        self._veto_yields = [r.rule_type == "exclude_supplier_unless_said" for r in vetoes]
        self._exclude_supplier_filter = Prefilter(self._exclude_supplier)
        self._generic = [_pattern(r.pattern) for r in self.rules if r.rule_type == "generic"]
        self._kinds = [(_pattern(r.pattern), r) for r in self.rules if r.rule_type == "kind"]
        # Each name and each value is searched once: a build asks of the same few thousand again and again.
        self._supplier_rule = cache(self._supplier_rule)
        self._best_keyword = cache(self._best_keyword)
        self._is_excluded = cache(self._is_excluded)
        self._is_generic = cache(self._is_generic)

    @classmethod
    def from_reference(cls, ref) -> Classifier:
        """The classifier of a Reference: its tech_rules and its kept list of technology suppliers."""
        return cls(ref.table("tech_rules"), ref.table("tech_suppliers"))

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

    def _best_keyword(self, value: str) -> Rule | None:
        words = as_words(value)
        return next((rule for regex, rule in self._keywords if regex.search(words)), None)

    def _is_excluded(self, value: str) -> bool:
        words = as_words(value)
        return any(x.search(words) for x in self._exclude)

    def _is_generic(self, value: str) -> bool:
        """A standard heading that covers tech and much else ('Communications & Computing', 'Supplies &
        Services'): other columns are more specific."""
        return any(x.search(as_words(value).strip()) for x in self._generic)

    def classify_line(
        self, descriptions: str | None, proclass_code: str | None = None, proclass_label: str | None = None
    ) -> TextDecision:
        """What a spend line's descriptive columns say it bought.

        An exclusion rule matching what the line says it bought ("network rail", "salary sacrifice",
        "stationery"...), or an exclude_buyer rule matching who bought it (a cost centre paying business grants), makes
        it not tech whatever its ProClass code or supplier (`excluded`). Otherwise a
        ProClass ICT code makes it tech, and a specific keyword may name the category more precisely than
        ProClass's coarse headings; without ProClass the highest-priority keyword in any what-column decides (the
        first such column on a tie). A general heading ('Communications & Computing') decides with medium confidence
        unless a column whose header says what was bought is silent beside it (then low); a column whose header says
        neither what nor who ('Nstrg(T)') does not count. Who-columns (department, cost centre) only suggest, with
        low confidence, unless no column of the line could say what was bought, or a department named for IT in general
        bought what the line's words name as a kind (consultancy, equipment): then they decide, with medium confidence.
        """
        # Where a file has ProClass codes, the code decides and its label is not read again as words: councils leave
        # 'ICT : Services' on lines coded to ProClass's root (200000) that are not technology. Without codes, the
        # label ('ICT.SOFTWARE') is the line's words.
        parts = [(h, v) for h, v in description_parts(descriptions) if not proclass_code or v != proclass_label]
        who = [(h, v) for h, v in parts if is_who_column(h)]
        said = [(h, v) for h, v in parts if not is_who_column(h) and not NOT_WORDS.fullmatch(v.strip())]
        what = [(h, v) for h, v in said if not self._is_generic(v)]
        specific = [(h, v) for h, v in what if says_what(h)]
        generic = [(h, v) for h, v in said if self._is_generic(v)]
        # Silent: nothing says what was bought (a column naming the payee or the publisher does not say it)
        silent = not proclass_code and all(names_a_party(h) for h, _ in said)
        if any(self._is_excluded(v) for _, v in what) or any(
            x.search(as_words(v)) for _, v in who for x in self._exclude_buyer
        ):
            return TextDecision(excluded=True, silent=silent)
        keyword = self._keyword_in(what)
        rule = self._proclass_match(proclass_code, proclass_label)
        if rule:
            reason = f"ProClass {proclass_code or proclass_label!s} matches {rule.pattern}"
            if not keyword and proclass_code and proclass_label and rule.tech_category == "ict_other":
                # A code under ICT that the rules know only by its heading (ProClass versions number ICT's
                # subheadings differently): the label's words may name the kind ('271440', 'Software').
                keyword = self._keyword_in([("ProClass label", proclass_label)])
            if keyword and keyword[0].tech_category not in ("ict_other", rule.tech_category):
                kw_rule, header, value = keyword
                detail = f"{reason}; {_column(header)} '{value}' matches keyword {kw_rule.pattern}"
                return TextDecision(kw_rule.tech_category, detail, "high", method="proclass")
            return TextDecision(rule.tech_category, reason, "high", method="proclass")
        if keyword:
            kw_rule, header, value = keyword
            category, reason = kw_rule.tech_category, f"{_column(header)} '{value}' matches keyword {kw_rule.pattern}"
            if area := self._area_of(who, category):  # 'Ict Maintenance And Support' bought by 'CYBER SECURITY'
                category, reason = (
                    area[0].tech_category,
                    f"{reason}; bought by {_column(area[1])} '{area[2]}', its kind",
                )
            return TextDecision(category, reason, "high", method="text", silent=silent)
        kind = self._kind_in(what)  # only a line whose own words do not decide can take a kind
        heading = self._keyword_in(generic)
        if heading:  # the line's more specific columns, if it has any, said nothing of technology: only possibly
            kw_rule, header, value = heading
            return TextDecision(
                kw_rule.tech_category,
                f"{_column(header)} '{value}' (a standard heading that covers "
                f"more than technology) matches keyword {kw_rule.pattern}",
                "low" if specific else "medium",
                method="heading",
                silent=silent,
                **kind,
            )
        suggested = self._department_in(who)
        if suggested:  # decides (medium) when no column of the line could say what was bought, or see below
            kw_rule, header, value = suggested
            reason = f"bought by {_column(header)} '{value}' (matches keyword {kw_rule.pattern})"
            if said and kind and kw_rule.tech_category in GENERAL_IT_AREAS:
                # An IT department buying what its words name as a kind ('Consultants Fees', 'Equipment'): that kind
                return TextDecision(
                    kind["kind"],
                    f"{reason}; {kind['kind_reason']}",
                    "medium",
                    method="department",
                    silent=silent,
                    **kind,
                )
            return TextDecision(
                kw_rule.tech_category,
                f"{reason}; what was bought does not say"
                + ("" if said else ", and the line has no column that could say"),
                "low" if said else "medium",
                method="department",
                silent=silent,
                **kind,
            )
        return TextDecision(silent=silent, **kind)

    def _area_of(self, who: list[tuple[str, str]], category: str) -> tuple[Rule, str, str] | None:
        """The IT area a department or cost centre names ('Cyber Security', 'Telephony'), where the line's words
        name only IT in general or its support (as a supplier's kind refines them; tech_decisions.refined_by_supplier);
        a department named for IT in general ('ICT Services', 'ICT Maintenance') names no area."""
        area = self._department_in(who)
        if (
            area
            and area[0].tech_category not in GENERAL_IT_AREAS
            and refined_by_supplier(category, area[0].tech_category)
        ):
            return area
        return None

    def _department_in(self, who: list[tuple[str, str]]) -> tuple[Rule, str, str] | None:
        """The keyword a department or cost centre holds (an excluded one, 'Business Grants', holds none)."""
        return self._keyword_in([(h, v) for h, v in who if not self._is_excluded(v)])

    def _kind_in(self, parts: list[tuple[str, str]]) -> dict[str, str]:
        """The kind of thing the first column naming one says was bought, without saying it was technology
        ('Hardware', 'Consultancy'): kind rules, for a line paid to a general IT firm (TextDecision.kind)."""
        for header, value in parts:
            words = as_words(value)
            for regex, rule in self._kinds:
                if regex.search(words):
                    return {"kind": rule.tech_category, "kind_reason": f"{_column(header)} '{value}' names its kind"}
        return {}

    def _keyword_in(self, parts: list[tuple[str, str]]) -> tuple[Rule, str, str] | None:
        """The highest-priority keyword found in any of the columns (the first column on a tie)."""
        best: tuple[Rule, str, str] | None = None
        for header, value in parts:
            rule = self._best_keyword(value)
            if rule and (best is None or rule.priority > best[0].priority):
                best = (rule, header, value)
        return best

    def classify_spend_text(
        self,
        expenditure_category: str | None,
        purpose: str | None = None,
        proclass_code: str | None = None,
        proclass_label: str | None = None,
    ) -> tuple[str | None, str | None, bool]:
        """(tech_category, reason, excluded) for a line that has only a category and a purpose column."""
        decision = self.classify_line(
            join_descriptions(("expenditure category", expenditure_category), ("purpose", purpose)),
            proclass_code,
            proclass_label,
        )
        return decision.tech_category, decision.reason, decision.excluded

    def classify_supplier(self, *names: str | None) -> SupplierDecision:
        """What the supplier's name says: a company on the kept supplier list, or a guarded name signal; a
        recruitment or staffing agency is never evidence, and `excluded` (see exclude_supplier rules; those of
        exclude_supplier_unless_said rules yield to the line's own words, `yields_to_words`). A card statement's
        name is read for the merchant it paid first ('MAILCHIMP' of 'PAYPAL *MAILCHIMP'): the payment firm of its
        prefix is how it was paid, not what."""
        paid = [card_merchant(name) or name for name in names if name]
        exclude = self._exclude_supplier
        vetoes = {
            self._veto_yields[i]
            for name in paid
            for i in self._exclude_supplier_filter.which(name)
            if exclude[i].search(name)
        }
        if vetoes:
            return SupplierDecision(excluded=True, yields_to_words=False not in vetoes)
        for name in dict.fromkeys([*paid, *(name for name in names if name)]):
            if found := self._supplier_rule(name):
                return found
        return SupplierDecision()

    def _supplier_rule(self, name: str) -> SupplierDecision | None:
        for i in self._supplier_filter.which(name):
            regex, rule = self._suppliers[i]
            if regex.search(name):
                if rule.rule_type == "supplier list":
                    return SupplierDecision(
                        rule.tech_category,
                        f"supplier '{name}' is {rule.pattern}, on the kept list of technology suppliers",
                        "supplier list",
                    )
                return SupplierDecision(
                    rule.tech_category,
                    f"supplier '{name}' is named as a technology company ({rule.pattern})",
                    "name signal",
                )
        return None

    def classify_spend(
        self,
        expenditure_category: str | None,
        purpose: str | None = None,
        proclass_code: str | None = None,
        proclass_label: str | None = None,
        supplier_name: str | None = None,
    ) -> tuple[str | None, str | None]:
        """(tech_category, reason) at the default confidence (high or medium) for a line with a category and a
        purpose column; (None, None) when it is not tech. The build combines the same decisions in SQL
        (models/marts/spend.sql) with the supplier's contract awards as well."""
        text = self.classify_line(
            join_descriptions(("expenditure category", expenditure_category), ("purpose", purpose)),
            proclass_code,
            proclass_label,
        )
        final = combine(text, self.classify_supplier(supplier_name))
        return (final[0], final[1]) if final[2] in ("high", "medium") else (None, None)

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


def _column(header: str) -> str:
    return header or "description"
