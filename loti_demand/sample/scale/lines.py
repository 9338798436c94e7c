"""The payment lines at scale, as integer codes: suppliers with Zipf-Mandelbrot frequencies and several spellings,
expense types from the sample's tables, working-day dates and log-normal amounts, drawn with numpy per borough."""

from __future__ import annotations

import datetime as dt
from functools import cached_property

import numpy as np
import pyarrow as pa

from loti_demand.sample.expenses import (
    DEPARTMENTS,
    NON_TECH_TYPES,
    PROJECTS,
    SYSTEMS,
    TEAMS,
    TECH_DEPARTMENTS,
    TECH_TYPES,
)
from loti_demand.sample.scale.text import FIRST_MONTH, MONTHS

ENTITIES = 30_000
POPULAR = 3_000  # entities with several spellings
REDACTED_SHARE = 0.03
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
TYPES = TECH_TYPES + NON_TECH_TYPES
REDACTED_SPELLINGS = ("REDACTED", "Redacted Personal Data", "Personal Data", "REDACTED UNDER DP ACT")

# Invented first words (syllable pairs) and a trade noun per expense type give fictional, plausible names
# that match none of the taxonomy's supplier rules (tests/test_bench.py checks).
_HEADS = (
    "Ash",
    "Brack",
    "Carr",
    "Dun",
    "Elm",
    "Fern",
    "Gorse",
    "Hol",
    "Ivy",
    "Jes",
    "Kil",
    "Lark",
    "Marl",
    "Nether",
    "Oak",
    "Pen",
    "Quen",
    "Rook",
    "Sel",
    "Thorn",
    "Ure",
    "Vell",
    "Wex",
    "Yar",
    "Zen",
    "Bram",
    "Cal",
    "Dray",
    "Fal",
    "Hart",
)
_TAILS = ("ford", "mere", "wick", "dale", "bury", "ton", "ley", "field", "brook", "combe", "holt", "stead", "worth")
NOUNS: dict[str, tuple[str, ...]] = {
    "software_licences": ("Software", "Systems", "Solutions"),
    "software_maintenance": ("Software", "Applications"),
    "cloud": ("Cloud", "Hosting"),
    "it_consultancy": ("Consulting", "IT Partners"),
    "it_managed": ("IT Services", "Managed IT"),
    "hardware": ("Computing", "Devices"),
    "infrastructure": ("Datacentres", "Infrastructure"),
    "telephony": ("Telecom", "Voice"),
    "data_lines": ("Networks", "Connect"),
    "data": ("Analytics", "Insight"),
    "gis": ("Mapping", "Geodata"),
    "cyber": ("Cyber", "Security Systems"),
    "iot": ("Sensors", "Telematics"),
    "print": ("Print Management", "Office Imaging"),
    "digital": ("Digital", "Studio"),
    "ict_other": ("Technology Group", "IT Supplies"),
    "care_adult": ("Care", "Homecare", "Nursing Homes"),
    "care_children": ("Fostering", "Children's Homes"),
    "construction": ("Construction", "Builders", "Roofing", "Highways"),
    "agency": ("Recruitment", "Staffing"),
    "waste": ("Recycling", "Grounds Maintenance"),
    "grants": ("Community Trust", "Youth Project"),
    "legal": ("Solicitors", "Chambers"),
    "office": ("Stationers", "Office Supplies"),
    "catering": ("Catering", "Kitchens"),
    "property": ("Estates", "Lettings"),
    "utilities": ("Energy", "Water Services"),
    "transport": ("Coaches", "Fleet Hire"),
    "facilities": ("Cleaning Services", "Guarding"),
    "professional": ("Advisory", "Training"),
    "leisure": ("Leisure", "Events"),
}
NO_LEGAL_FORM = {"grants", "legal"}


# --- String tables: every text value a line can take, indexed by small integers -----------------------------


class Tables:
    """Suppliers, labels, purposes and departments as Arrow string arrays plus per-entity attributes."""

    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng([seed, 1])
        tech_keys = [i for i, t in enumerate(TYPES) if t.tech_category]
        other_keys = [i for i, t in enumerate(TYPES) if not t.tech_category]
        # One in eight entities sells technology; each has a primary expense type.
        is_tech = rng.random(ENTITIES) < 0.125
        self.primary = np.where(is_tech, rng.choice(tech_keys, ENTITIES), rng.choice(other_keys, ENTITIES))
        self.primary[0] = TYPES.index(next(t for t in NON_TECH_TYPES if t.key == "care_adult"))
        ranks = np.arange(ENTITIES)
        weights = 1.0 / (ranks + 3.0) ** 1.05
        weights[0] = 0.0
        weights *= (1 - REDACTED_SHARE) / weights.sum()
        weights[0] = REDACTED_SHARE  # entity 0 stands for every redacted payee
        self.weights = weights
        self.log_median = rng.normal(np.log(1500), 0.8, ENTITIES)
        self.spellings = np.where(ranks < POPULAR, 2 + ranks % 3, 1)
        self.spellings[0] = len(REDACTED_SPELLINGS)
        self.name_offset = np.concatenate([[0], np.cumsum(self.spellings)[:-1]])
        self.names = pa.array(self._names(), pa.string())
        type_weights = np.array([t.weight for t in TYPES], dtype=float)
        self.type_weights = type_weights / type_weights.sum()

    def _names(self) -> list[str]:
        names: list[str] = list(REDACTED_SPELLINGS)
        seen_per_type: dict[int, int] = {}
        for entity in range(1, ENTITIES):
            kind = int(self.primary[entity])
            j = seen_per_type.get(kind, 0)
            seen_per_type[kind] = j + 1
            key = TYPES[kind].key
            heads = len(_HEADS) * len(_TAILS)
            word = _HEADS[j % len(_HEADS)] + _TAILS[(j // len(_HEADS)) % len(_TAILS)]
            nouns = NOUNS[key]
            base = f"{word} {nouns[(j // heads) % len(nouns)]}"
            if j >= heads * len(nouns):
                base += f" {j // (heads * len(nouns)) + 1}"
            names.extend(_spellings(base, int(self.spellings[entity]), key in NO_LEGAL_FORM))
        return names

    @cached_property
    def labels(self) -> tuple[pa.Array, np.ndarray]:
        """All expense labels and each type's offset into them."""
        offsets = np.cumsum([0, *[len(t.labels) for t in TYPES]])[:-1]
        return pa.array([label for t in TYPES for label in t.labels]), offsets

    @cached_property
    def services(self) -> tuple[pa.Array, np.ndarray, np.ndarray]:
        """All department names, each type's offset into them and how many it has."""
        lists = [TECH_DEPARTMENTS if t.tech_category else DEPARTMENTS[t.key] for t in TYPES]
        offsets = np.cumsum([0, *[len(x) for x in lists]])[:-1]
        return pa.array([d for x in lists for d in x]), offsets, np.array([len(x) for x in lists])

    @cached_property
    def purposes(self) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]:
        """Every rendered purpose text. Returns (texts, base[type, template], per-month stride, filler count)."""
        texts: list[str] = []
        base = np.zeros((len(TYPES), 3), dtype=np.int64)
        stride = np.zeros((len(TYPES), 3), dtype=np.int64)
        fills = np.ones((len(TYPES), 3), dtype=np.int64)
        for t, kind in enumerate(TYPES):
            for j in range(3):
                template = kind.purposes[j % len(kind.purposes)]
                fillers = _fillers(template)
                has_period = "{period}" in template
                base[t, j], fills[t, j] = len(texts), len(fillers)
                stride[t, j] = len(fillers) if has_period else 0
                for month in range(MONTHS if has_period else 1):
                    for filler in fillers:
                        texts.append(template.format(period=_month_text(month), **filler))
        return pa.array(texts), base, stride, fills

    @cached_property
    def proclass(self) -> tuple[pa.Array, pa.Array]:
        return pa.array([t.proclass[0] for t in TYPES]), pa.array([t.proclass[1] for t in TYPES])


def _spellings(base: str, count: int, no_legal_form: bool) -> list[str]:
    if no_legal_form:
        forms = [base, base.upper(), f"The {base}", f"THE {base.upper()}"]
    else:
        forms = [f"{base} Ltd", f"{base.upper()} LTD", f"{base} Limited", f"{base} Ltd."]
    return forms[:count]


def _fillers(template: str) -> list[dict[str, str]]:
    for key, values in (("system", SYSTEMS), ("team", TEAMS), ("project", PROJECTS)):
        if "{" + key + "}" in template:
            return [{key: v} for v in values]
    return [{}]


def _month_text(month: int) -> str:
    year, index = divmod(FIRST_MONTH.month - 1 + month, 12)
    return f"{MONTH_NAMES[index]} {FIRST_MONTH.year + year}"


def month_start(month: int) -> dt.date:
    year, index = divmod(FIRST_MONTH.month - 1 + month, 12)
    return dt.date(FIRST_MONTH.year + year, index + 1, 1)


# --- Lines: who paid whom, when, for what and how much ------------------------------------------------------


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split `total` into integer parts proportional to `weights` (largest remainders), summing exactly."""
    share = weights / weights.sum() * total
    parts = np.floor(share).astype(np.int64)
    remainder = total - int(parts.sum())
    if remainder:
        order = np.argsort(-(share - parts), kind="stable")
        parts[order[:remainder]] += 1
    return parts


def lines_per_file(total: int, boroughs: list[dict[str, str]], months: int = MONTHS) -> np.ndarray:
    """[borough, month] line counts: proportional to population (0.4x-2.2x of the mean) and growing 4% a year,
    in the last `months` months only."""
    population = np.array([float(b["population"]) for b in boroughs])
    size = np.clip(population / population.mean(), 0.4, 2.2)
    growth = np.where(np.arange(MONTHS) >= MONTHS - months, 1.04 ** (np.arange(MONTHS) / 12), 0.0)
    return allocate(total, np.outer(size, growth).ravel()).reshape(len(boroughs), MONTHS)


def _weekday_dates(rng: np.random.Generator, months: np.ndarray) -> np.ndarray:
    """A random working day in each line's month (as datetime64[D])."""
    starts = np.array([np.datetime64(month_start(m)) for m in range(MONTHS + 1)])
    first, nxt = starts[months], starts[months + 1]
    length = (nxt - first).astype(np.int64)
    day = first + (rng.random(len(months)) * length).astype(np.int64)
    weekday = (day.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    back = np.where(weekday == 5, 1, np.where(weekday == 6, 2, 0))
    moved = day - back
    return np.where(moved < first, moved + 3, moved)  # a month starting at the weekend: the Monday after


def borough_lines(tables: Tables, borough: int, counts: np.ndarray, seed: int) -> pa.Table:
    """All payment lines of one borough, sorted by date, as integer codes and values."""
    rng = np.random.default_rng([seed, 2, borough])
    n = int(counts.sum())
    months = np.repeat(np.arange(MONTHS), counts)
    entity = rng.choice(ENTITIES, n, p=tables.weights)
    spellings = tables.spellings[entity]
    preferred = (entity * 31 + borough * 17) % spellings
    noisy = rng.random(n) < 0.10
    variant = np.where(noisy, (rng.random(n) * spellings).astype(np.int64), preferred)
    kind = np.where(rng.random(n) < 0.75, tables.primary[entity], rng.choice(len(TYPES), n, p=tables.type_weights))
    amount = 500 + rng.lognormal(tables.log_median[entity] - np.log(2), 1.2)
    cents = np.round(np.minimum(amount, 9_999_999) * 100).astype(np.int64)
    cents = np.where(rng.random(n) < 0.025, -cents, cents)
    dates = _weekday_dates(rng, months)
    order = np.lexsort((entity, dates))
    return pa.table(
        {
            "month": months[order],
            "date": dates[order],
            "entity": entity[order],
            "name": (tables.name_offset[entity] + variant)[order],
            "kind": kind[order],
            "cents": cents[order],
            "template": rng.integers(0, 3, n)[order],
            "service": rng.integers(0, 1 << 30, n)[order],
        }
    )
