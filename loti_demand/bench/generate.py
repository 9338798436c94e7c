"""Deterministic benchmark inputs: N payment lines in three real council layouts, one file per borough-month
over ten financial years, plus OCDS release packages.

Everything is vectorised (numpy draws, pyarrow string kernels), so 10 million lines take well under a minute.
The same seed always gives byte-identical files.

Layouts (after loti_demand/sample.py, which documents the councils they come from):
- lga: the LGA spend-data schema, ISO dates, plain amounts, ProClass codes, purposes naming the month;
- preamble: a report export with 6-9 title lines before the header, dd/mm/yyyy dates, "1,234.56" amounts
  (whole pounds printed without pence), the category in capitals;
- bom: UTF-8 with a byte-order mark, " Amount " header, " 1,234.56 " padded amounts, dd/mm/yyyy dates and a
  blank row plus an unlabelled grand-total row at the end (quarantined by the build as a totals row).

Suppliers: 30,000 fictional entities with Zipf-Mandelbrot frequencies; the popular ones have 2-4 spellings
('Ashmere Software Ltd', 'ASHMERE SOFTWARE LTD', 'Ashmere Software Limited', 'Ashmere Software Ltd.'); each
borough mostly uses one spelling, with 10% noise. About 3% of lines are redacted payees.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from loti_demand.bench.releases import generate_releases
from loti_demand.bench.text import FIRST_MONTH, MONTHS, const, counter_text, date_text, join, money_text
from loti_demand.config import PROJECT_DIR
from loti_demand.reference import Reference
from loti_demand.sample.expenses import (
    DEPARTMENTS,
    NON_TECH_TYPES,
    PROJECTS,
    SYSTEMS,
    TEAMS,
    TECH_DEPARTMENTS,
    TECH_TYPES,
)

GENERATOR_VERSION = 2  # bump when the output changes, so saved inputs are regenerated
LAYOUTS = ("lga", "preamble", "bom")
ENTITIES = 30_000
POPULAR = 3_000  # entities with several spellings
REDACTED_SHARE = 0.03
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
TYPES = TECH_TYPES + NON_TECH_TYPES
REDACTED_SPELLINGS = ("REDACTED", "Redacted Personal Data", "Personal Data", "REDACTED UNDER DP ACT")

# Invented first words (syllable pairs) and a trade noun per expense type give fictional, plausible names
# that match none of the taxonomy's supplier rules (tests/test_bench.py checks).
_HEADS = ("Ash", "Brack", "Carr", "Dun", "Elm", "Fern", "Gorse", "Hol", "Ivy", "Jes", "Kil", "Lark", "Marl",
          "Nether", "Oak", "Pen", "Quen", "Rook", "Sel", "Thorn", "Ure", "Vell", "Wex", "Yar", "Zen", "Bram",
          "Cal", "Dray", "Fal", "Hart")
_TAILS = ("ford", "mere", "wick", "dale", "bury", "ton", "ley", "field", "brook", "combe", "holt", "stead", "worth")
NOUNS: dict[str, tuple[str, ...]] = {
    "software_licences": ("Software", "Systems", "Solutions"), "software_maintenance": ("Software", "Applications"),
    "cloud": ("Cloud", "Hosting"), "it_consultancy": ("Consulting", "IT Partners"),
    "it_managed": ("IT Services", "Managed IT"), "hardware": ("Computing", "Devices"),
    "infrastructure": ("Datacentres", "Infrastructure"), "telephony": ("Telecom", "Voice"),
    "data_lines": ("Networks", "Connect"), "data": ("Analytics", "Insight"), "gis": ("Mapping", "Geodata"),
    "cyber": ("Cyber", "Security Systems"), "iot": ("Sensors", "Telematics"),
    "print": ("Print Management", "Office Imaging"),
    "digital": ("Digital", "Studio"), "ict_other": ("Technology Group", "IT Supplies"),
    "care_adult": ("Care", "Homecare", "Nursing Homes"), "care_children": ("Fostering", "Children's Homes"),
    "construction": ("Construction", "Builders", "Roofing", "Highways"), "agency": ("Recruitment", "Staffing"),
    "waste": ("Recycling", "Grounds Maintenance"), "grants": ("Community Trust", "Youth Project"),
    "legal": ("Solicitors", "Chambers"), "office": ("Stationers", "Office Supplies"),
    "catering": ("Catering", "Kitchens"), "property": ("Estates", "Lettings"),
    "utilities": ("Energy", "Water Services"),
    "transport": ("Coaches", "Fleet Hire"), "facilities": ("Cleaning Services", "Guarding"),
    "professional": ("Advisory", "Training"), "leisure": ("Leisure", "Events"),
}
NO_LEGAL_FORM = {"grants", "legal"}


@dataclass(frozen=True)
class BenchParams:
    lines: int
    releases: int
    seed: int = 42
    months: int = MONTHS  # the last `months` of the ten years (fewer files for quick tests)
    generator: int = GENERATOR_VERSION


@dataclass
class GeneratedData:
    """What is on disk under `folder`: counts per layout, files, and how long generating took."""

    folder: Path
    params: BenchParams
    lines_by_layout: dict[str, int] = field(default_factory=dict)
    files_by_layout: dict[str, int] = field(default_factory=dict)
    layout_of_borough: dict[str, str] = field(default_factory=dict)
    release_files: int = 0
    seconds: float = 0.0
    reused: bool = False

    @property
    def spend_lines(self) -> int:
        return sum(self.lines_by_layout.values())


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
    return pa.table({
        "month": months[order], "date": dates[order], "entity": entity[order],
        "name": (tables.name_offset[entity] + variant)[order], "kind": kind[order], "cents": cents[order],
        "template": rng.integers(0, 3, n)[order], "service": rng.integers(0, 1 << 30, n)[order],
    })


def _service(tables: Tables, lines: pa.Table) -> pa.Array:
    names, offsets, counts = tables.services
    kind = lines["kind"].to_numpy()
    return pc.take(names, offsets[kind] + lines["service"].to_numpy() % counts[kind])


def _label(tables: Tables, lines: pa.Table, borough: int) -> pa.Array:
    """Each borough files a type of spend under one of its usual labels."""
    labels, offsets = tables.labels
    kind = lines["kind"].to_numpy()
    per_type = np.array([len(t.labels) for t in TYPES])
    return pc.take(labels, offsets[kind] + (borough * 7 + kind * 3) % per_type[kind])


def _purpose(tables: Tables, lines: pa.Table) -> pa.Array:
    texts, base, stride, fills = tables.purposes
    kind, template = lines["kind"].to_numpy(), lines["template"].to_numpy()
    filler = lines["entity"].to_numpy() % fills[kind, template]
    return pc.take(texts, base[kind, template] + lines["month"].to_numpy() * stride[kind, template] + filler)


LGA_COLUMNS = ("OrganisationLabel", "OrganisationURI", "EffectiveDate", "OrganisationalUnit", "BeneficiaryName",
               "PaymentDate", "TransactionNumber", "Amount", "IrrecoverableVATAmount", "Purpose", "ProclassLabel",
               "ProclassCode")
PREAMBLE_COLUMNS = ("Body", "Department", "Supplier Name", "Invoice Creation Date", "Invoice Nett Amount",
                    "Subj Description")
BOM_COLUMNS = ("Body", "Name of Body", "Date", "Transaction number", " Amount ", "Supplier name", "Expense area",
               "Expense type")
HEADERS = {"lga": LGA_COLUMNS, "preamble": PREAMBLE_COLUMNS, "bom": BOM_COLUMNS}


def render(layout: str, tables: Tables, lines: pa.Table, borough: int, info: dict[str, str]) -> pa.Table:
    """The columns of one borough's files in its layout, in publication order."""
    n = lines.num_rows
    cents, dates = lines["cents"].to_numpy(), lines["date"].to_numpy()
    payee = pc.take(tables.names, lines["name"])
    code, name = info["borough_code"], info["borough_name"]
    counter = np.arange(1, n + 1)
    if layout == "lga":
        label, proclass = tables.proclass
        kind = lines["kind"]
        month_end = (dates.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
        columns = [
            const(f"London Borough of {name}", n),
            const(f"http://opendatacommunities.org/id/london-borough-council/{code}", n),
            date_text(month_end, "%Y-%m-%d"), pc.utf8_upper(_service(tables, lines)), payee,
            date_text(dates, "%Y-%m-%d"), join(code[-2:], counter_text(counter, 8)),
            money_text(cents, thousands=False), const("0.00", n), _purpose(tables, lines), pc.take(label, kind),
            pc.take(proclass, kind),
        ]
    elif layout == "preamble":
        columns = [
            const(name, n), _service(tables, lines), payee, date_text(dates, "%d/%m/%Y"),
            money_text(cents, thousands=True, whole_pounds_bare=True), pc.utf8_upper(_label(tables, lines, borough)),
        ]
    else:
        columns = [
            const(code, n), const(f"London Borough of {name}", n), date_text(dates, "%d/%m/%Y"),
            join("AP", counter_text(counter, 9)), join(" ", money_text(cents, thousands=True), " "), payee,
            _service(tables, lines), _label(tables, lines, borough),
        ]
    return pa.table(columns, names=list(HEADERS[layout]))


# --- Files -------------------------------------------------------------------------------------------------

CSV_OPTIONS = pacsv.WriteOptions(quoting_style="needed", quoting_header="none")


def file_name(layout: str, month: int, slug: str) -> str:
    start = month_start(month)
    return {"lga": f"{slug}-spend-{start:%Y-%m}.csv", "preamble": f"invoices-over-500-{start:%Y-%m}.csv",
            "bom": f"SpendingOver500_{start:%Y%m}.csv"}[layout]


def file_bytes(layout: str, table: pa.Table, month: int, name: str, cents: np.ndarray) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(table, sink, CSV_OPTIONS)
    body = sink.getvalue()
    width = table.num_columns
    if layout == "preamble":
        start = month_start(month)
        lines = [f"{name} Invoices Over Specified Nett Amount", "", f"Report Date: {start:%d/%m/%Y} 16:05:18", "",
                 "Parameters:", f"Invoice Approval Date From: {start:%d-%b-%Y}".upper(),
                 "Invoice Threshold Nett Amt: 500", ""][: 6 + month % 3]
        return "".join(line + "," * (width - 1) + "\n" for line in lines).encode() + body
    if layout == "bom":
        total = int(cents.sum())
        total = f"{'-' if total < 0 else ''}{abs(total) // 100:,}.{abs(total) % 100:02d}"
        trailer = "," * (width - 1) + "\n" + f',,,," {total} "' + "," * (width - 5) + "\n"
        return b"\xef\xbb\xbf" + body + trailer.encode()
    return body


def generate_spend(root: Path, params: BenchParams, result: GeneratedData | None = None) -> GeneratedData:
    """Write the payment lines under root/spend/<GSS code>/, one file per borough-month."""
    result = result or GeneratedData(root, params)
    seed = params.seed
    tables = Tables(seed)
    boroughs = Reference().boroughs
    counts = lines_per_file(params.lines, boroughs, params.months)
    for b, info in enumerate(boroughs):
        layout = LAYOUTS[b % len(LAYOUTS)]
        result.layout_of_borough[info["borough_code"]] = layout
        folder = root / "spend" / info["borough_code"]
        folder.mkdir(parents=True, exist_ok=True)
        if not counts[b].sum():
            continue
        data = borough_lines(tables, b, counts[b], seed)
        text = render(layout, tables, data, b, info)
        cents = data["cents"].to_numpy()
        slug = info["borough_name"].lower().replace(" ", "-")
        offset = 0
        for month, n in enumerate(counts[b]):
            if n:
                body = file_bytes(layout, text.slice(offset, n), month, info["borough_name"], cents[offset:offset + n])
                (folder / file_name(layout, month, slug)).write_bytes(body)
                result.files_by_layout[layout] = result.files_by_layout.get(layout, 0) + 1
                result.lines_by_layout[layout] = result.lines_by_layout.get(layout, 0) + int(n)
            offset += int(n)
    return result


# --- Reuse across runs -------------------------------------------------------------------------------------

MANIFEST = "bench-manifest.json"


# Challenge statements are a few hundred rows London-wide, not a scale question: the committed sample's are used.
SAMPLE_CHALLENGES = PROJECT_DIR / "data" / "sample" / "challenges" / "challenges.csv"


def _copy_challenges(folder: Path) -> None:
    target = folder / "challenges" / SAMPLE_CHALLENGES.name
    if SAMPLE_CHALLENGES.is_file() and not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLE_CHALLENGES, target)


def ensure_data(folder: Path, params: BenchParams) -> GeneratedData:
    """Generate the inputs into `folder`, or reuse them when a previous run used the same parameters."""
    manifest = folder / MANIFEST
    _copy_challenges(folder)
    if manifest.is_file():
        saved = json.loads(manifest.read_text(encoding="utf-8"))
        if saved.get("params") == asdict(params):
            return GeneratedData(folder, params, saved["lines_by_layout"], saved["files_by_layout"],
                                 saved["layout_of_borough"], saved["release_files"], saved["seconds"], reused=True)
    for sub in ("spend", "procurement"):
        shutil.rmtree(folder / sub, ignore_errors=True)
    manifest.unlink(missing_ok=True)
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    result = generate_spend(folder, params, GeneratedData(folder, params))
    result.release_files = generate_releases(folder, params.releases, params.seed) if params.releases else 0
    result.seconds = time.perf_counter() - started
    (folder / "SAMPLE.md").write_text("Synthetic benchmark data made by `python -m loti_demand bench`: fictional "
                                      "suppliers and notices, not real council data.\n", encoding="utf-8")
    manifest.write_text(json.dumps({
        "params": asdict(params), "lines_by_layout": result.lines_by_layout,
        "files_by_layout": result.files_by_layout, "layout_of_borough": result.layout_of_borough,
        "release_files": result.release_files, "seconds": result.seconds,
    }, indent=2), encoding="utf-8")
    return result
