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
  column saying what was bought and was bought by an IT department ('Corporate IT');
- low ("possibly tech"): only the buying department or cost centre suggests technology.
Pages count high and medium as tech spend and state the low amount beside it.
"""

from __future__ import annotations

import re
import re._parser as re_parser  # the standard library's own pattern parser (sre_parse)
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

DESCRIPTION_JOIN = " | "
# Header words of columns that say who bought, not what: they suggest technology (low confidence), never decide.
WHO_WORDS = frozenset(
    {
        "department",
        "directorate",
        "division",
        "service",
        "services",
        "area",
        "unit",
        "team",
        "portfolio",
        "centre",
        "center",
        "entity",
        "section",
        "organisational",
        "organizational",
        "profit",
    }
)
# ...unless the header also names what was bought ('Service Type', 'Department Account').
WHAT_WORDS = frozenset(
    {
        "type",
        "subjective",
        "account",
        "purpose",
        "classification",
        "element",
        "nominal",
        "merchant",
        "item",
        "goods",
        "narrative",
    }
)
# Header words of columns known to say what was bought. A generic heading ('Communications & Computing') only
# suggests beside such a column that is silent; a column whose header names neither (a system's own name such as
# 'Nstrg(T)') is still searched for keywords, but its silence is no evidence against the heading.
SAYS_WHAT_WORDS = WHAT_WORDS | {
    "description",
    "descriptions",
    "desc",
    "details",
    "detail",
    "expense",
    "expenditure",
    "category",
    "catergory",
    "spend",
    "purchase",
    "product",
    "commodity",
    "analysis",
    "proclass",
    "procurement",
    "sercop",
    "cipfa",
}
_WORD = re.compile(r"[a-z]+")
# IT support or maintenance ('Computer Maintenance') paid to a supplier known for one of these fields is that field:
# the hosting firm's support is hosting (models/marts/spend.sql has the same list).
SPECIALIST_CATEGORIES = frozenset({"geospatial", "smart_city_iot", "cyber_security", "data_analytics", "cloud_hosting"})
# A value that says nothing of what was bought: a code ('HC50', 'MY37') or the capital/revenue flag, also in words
# ('Revenue Expenditure', 'Capital Income').
_NOT_WORDS = re.compile(
    r"((capital|revenue)( (expenditure|income|spend))?|capital\s*/\s*revenue|[a-z]{0,4}\d{2,}[\w./-]*)", re.IGNORECASE
)


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


@dataclass(frozen=True)
class SupplierDecision:
    tech_category: str | None = None
    reason: str | None = None
    method: str | None = None  # supplier list | name signal (award evidence is added by the build)
    excluded: bool = False  # a staffing or recruitment agency: not tech, whatever the line's heading says


def description_parts(descriptions: str | None) -> list[tuple[str, str]]:
    """'Expense type: IT Software | Service: Libraries' -> [('Expense type', 'IT Software'), ('Service', ...)].
    A piece without 'Header: ' continues the value before it (a value holding ' | ')."""
    parts: list[tuple[str, str]] = []
    for piece in (descriptions or "").split(DESCRIPTION_JOIN):
        header, sep, value = piece.partition(": ")
        if sep and header:
            parts.append((header, value))
        elif parts:
            parts[-1] = (parts[-1][0], parts[-1][1] + DESCRIPTION_JOIN + piece)
        elif piece.strip():
            parts.append(("", piece))
    return parts


def _header_words(header: str) -> set[str]:
    return set(_WORD.findall(re.sub(r"([a-z])([A-Z])", r"\1 \2", header).lower()))


def is_who_column(header: str) -> bool:
    """True for a column that says who bought (department, service area, cost centre), not what was bought."""
    words = _header_words(header)
    return bool(words & WHO_WORDS) and not words & WHAT_WORDS


def says_what(header: str) -> bool:
    """True for a column whose header says it describes what was bought (expense type, account, description)."""
    return bool(_header_words(header) & SAYS_WHAT_WORDS)


class Prefilter:
    """Which of a list of case-insensitive patterns can match a text: a pattern that must match some words ('vodafone'
    in '\\bvodafone\\b', 'bt' or 'british telecom' in '^bt\\b|\\bbritish telecom') cannot match an ASCII text that holds
    none of them, so only the others are searched. Exact: a text that is not ASCII (where case-insensitive
    matching goes beyond lower-casing) and a pattern with no words it must match are always searched."""

    def __init__(self, patterns: list[re.Pattern]) -> None:
        self._always: list[int] = []
        self._needs: dict[str, list[int]] = {}  # a word a pattern must match -> the patterns that need it
        for i, pattern in enumerate(patterns):
            words = required_words(pattern.pattern) if pattern.flags & re.IGNORECASE else None
            for word in words or ():
                self._needs.setdefault(word, []).append(i)
            if not words:
                self._always.append(i)
        self._count = len(patterns)
        self._short = [w for w in self._needs if len(w) < 3]  # looked for in every text; longer words by trigram
        self._by_trigram: dict[str, list[str]] = {}
        for word in self._needs:
            if len(word) >= 3:
                self._by_trigram.setdefault(word[:3], []).append(word)

    def which(self, text: str) -> list[int]:
        """Indexes of the patterns that may match `text`, in order."""
        if not text.isascii():
            return list(range(self._count))
        low = text.lower()
        found = set(self._always)
        for word in self._short:
            if word in low:
                found.update(self._needs[word])
        for trigram in {low[i : i + 3] for i in range(len(low) - 2)}:
            for word in self._by_trigram.get(trigram, ()):
                if word in low:
                    found.update(self._needs[word])
        return sorted(found)


def required_words(pattern: str) -> frozenset[str] | None:
    """Lower-case ASCII strings one of which every match of `pattern` holds; None when there are none to name."""
    try:
        parsed = re_parser.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    return _required(list(parsed))


def _required(items: list) -> frozenset[str] | None:
    """_required of a parsed sequence: its longest run of literal characters, else what one of its alternations or
    groups requires."""
    best, run = "", ""
    for op, av in items:
        if op is re_parser.LITERAL and av < 128:
            run += chr(av).lower()
            best = max(best, run, key=len)
        else:
            run = ""
    if best:
        return frozenset({best})
    for op, av in items:
        if op is re_parser.BRANCH:
            branches = [_required(list(branch)) for branch in av[1]]
            if all(branches):
                return frozenset().union(*branches)
        elif op is re_parser.SUBPATTERN and (found := _required(list(av[3]))):
            return found
    return None


class Classifier:
    """Apply CPV, ProClass, keyword, supplier and name-signal rules; exclusions veto keyword and supplier matches."""

    def __init__(self, rules: Iterable[Mapping[str, str]], suppliers: Iterable[Mapping[str, str]] = ()) -> None:
        self.rules = [
            Rule(r["tech_category"], r["rule_type"].strip().lower(), r["pattern"].strip(), int(r.get("priority") or 0))
            for r in rules
        ]
        self._cpv = sorted(((r.pattern, r) for r in self.rules if r.rule_type == "cpv"), key=lambda pr: -len(pr[0]))
        self._proclass = sorted((r for r in self.rules if r.rule_type == "proclass"), key=lambda r: -len(r.pattern))
        self._keywords = [(re.compile(r.pattern, re.IGNORECASE), r) for r in self.rules if r.rule_type == "keyword"]
        self._keywords.sort(key=lambda cr: -cr[1].priority)
        # The kept supplier list (named companies, each with its source) before the generic name signals.
        named = [
            (re.compile(s["match"], re.IGNORECASE), Rule(s["tech_category"], "supplier list", s["supplier"], 10))
            for s in suppliers
        ]
        signals = [
            (re.compile(r.pattern, re.IGNORECASE), r) for r in self.rules if r.rule_type in ("supplier", "name_signal")
        ]
        signals.sort(key=lambda cr: -cr[1].priority)
        self._suppliers = named + signals
        # Most supplier names match no rule: each name is searched only with the rules whose words it holds.
        self._supplier_filter = Prefilter([r for r, _ in self._suppliers])
        self._exclude = [re.compile(r.pattern, re.IGNORECASE) for r in self.rules if r.rule_type == "exclude"]
        self._exclude_supplier = [
            re.compile(r.pattern, re.IGNORECASE) for r in self.rules if r.rule_type == "exclude_supplier"
        ]
        self._exclude_supplier_filter = Prefilter(self._exclude_supplier)
        self._generic = [re.compile(r.pattern, re.IGNORECASE) for r in self.rules if r.rule_type == "generic"]
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
        return next((rule for regex, rule in self._keywords if regex.search(value)), None)

    def _is_excluded(self, value: str) -> bool:
        return any(x.search(value) for x in self._exclude)

    def _is_generic(self, value: str) -> bool:
        """A standard heading that covers tech and much else ('Communications & Computing', 'Supplies &
        Services'): other columns are more specific."""
        return any(x.search(value.strip()) for x in self._generic)

    def classify_line(
        self, descriptions: str | None, proclass_code: str | None = None, proclass_label: str | None = None
    ) -> TextDecision:
        """What a spend line's descriptive columns say it bought.

        An exclusion rule matching what the line says it bought ("network rail", "salary sacrifice",
        "stationery"...) makes it not tech whatever its ProClass code or supplier (`excluded`). Otherwise a
        ProClass ICT code makes it tech, and a specific keyword may name the category more precisely than
        ProClass's coarse headings; without ProClass the highest-priority keyword in any what-column decides (the
        first such column on a tie). A general heading ('Communications & Computing') decides with medium confidence
        unless a column whose header says what was bought is silent beside it (then low); a column whose header says
        neither what nor who ('Nstrg(T)') does not count. Who-columns (department, cost centre) only suggest, with
        low confidence, unless no column of the line could say what was bought: then they decide, with medium
        confidence.
        """
        # Where a file has ProClass codes, the code decides and its label is not read again as words: councils leave
        # 'ICT : Services' on lines coded to ProClass's root (200000) that are not technology. Without codes, the
        # label ('ICT.SOFTWARE') is the line's words.
        parts = [(h, v) for h, v in description_parts(descriptions) if not proclass_code or v != proclass_label]
        who = [(h, v) for h, v in parts if is_who_column(h)]
        said = [(h, v) for h, v in parts if not is_who_column(h) and not _NOT_WORDS.fullmatch(v.strip())]
        what = [(h, v) for h, v in said if not self._is_generic(v)]
        specific = [(h, v) for h, v in what if says_what(h)]
        generic = [(h, v) for h, v in said if self._is_generic(v)]
        if any(self._is_excluded(v) for _, v in what):
            return TextDecision(excluded=True)
        keyword = self._keyword_in(what)
        rule = self._proclass_match(proclass_code, proclass_label)
        if rule:
            reason = f"ProClass {proclass_code or proclass_label!s} matches {rule.pattern}"
            if keyword and keyword[0].tech_category not in ("ict_other", rule.tech_category):
                kw_rule, header, value = keyword
                detail = f"{reason}; {_column(header)} '{value}' matches keyword {kw_rule.pattern}"
                return TextDecision(kw_rule.tech_category, detail, "high", method="proclass")
            return TextDecision(rule.tech_category, reason, "high", method="proclass")
        if keyword:
            kw_rule, header, value = keyword
            return TextDecision(
                kw_rule.tech_category,
                f"{_column(header)} '{value}' matches keyword {kw_rule.pattern}",
                "high",
                method="text",
            )
        heading = self._keyword_in(generic)
        if heading:  # the line's more specific columns, if it has any, said nothing of technology: only possibly
            kw_rule, header, value = heading
            return TextDecision(
                kw_rule.tech_category,
                f"{_column(header)} '{value}' (a standard heading that covers "
                f"more than technology) matches keyword {kw_rule.pattern}",
                "low" if specific else "medium",
                method="heading",
            )
        suggested = self._keyword_in([(h, v) for h, v in who if not self._is_excluded(v)])
        if suggested:  # decides (medium) only when no column of the line could say what was bought
            kw_rule, header, value = suggested
            return TextDecision(
                kw_rule.tech_category,
                f"bought by {_column(header)} '{value}' (matches keyword "
                f"{kw_rule.pattern}); what was bought does not say"
                + ("" if said else ", and the line has no column that could say"),
                "low" if said else "medium",
                method="department",
            )
        return TextDecision()

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
        recruitment or staffing agency is never evidence, and `excluded` (see exclude_supplier rules)."""
        exclude = self._exclude_supplier
        if any(exclude[i].search(name) for name in names if name for i in self._exclude_supplier_filter.which(name)):
            return SupplierDecision(excluded=True)
        for name in names:
            if name and (found := self._supplier_rule(name)):
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


def award_evidence(awards: Iterable[tuple]) -> dict[str, SupplierDecision]:
    """{supplier key: decision} from awarded procurements, rows of (ocid, title, cpv, tech_category, value, supplier
    names): a supplier that won more technology contracts (CPV) than other contracts is evidence for its payments,
    and the reason names its largest technology award."""
    from loti_demand.normalise.suppliers import supplier_key

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


def join_descriptions(*parts: tuple[str, str | None]) -> str | None:
    """('expenditure category', 'IT Software'), ('purpose', None) -> 'expenditure category: IT Software'."""
    return DESCRIPTION_JOIN.join(f"{header}: {value}" for header, value in parts if value) or None


def combine(text: TextDecision, supplier: SupplierDecision) -> tuple[str | None, str | None, str | None, str | None]:
    """(tech_category, reason, confidence, method) from what the line says and what its supplier is known for; the
    build's SQL (models/marts/spend.sql) follows the same order."""
    if text.excluded or supplier.excluded:
        return None, None, None, None
    if text.confidence == "high":
        refines = (
            supplier.tech_category not in (None, "ict_other")
            if text.tech_category == "ict_other"
            else text.tech_category == "it_services" and supplier.tech_category in SPECIALIST_CATEGORIES
        )
        if refines:
            return supplier.tech_category, f"{text.reason}; {supplier.reason}", "high", text.method
        return text.tech_category, text.reason, "high", text.method
    if supplier.tech_category:
        return supplier.tech_category, supplier.reason, "medium", supplier.method
    return text.tech_category, text.reason, text.confidence, text.method


def _column(header: str) -> str:
    return header or "description"
