"""Procurement processes: buyers, notice paths, dates, awards and identifiers.

The processes are written out as OCDS 1.1 release packages by loti_demand.sample.ocds.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from loti_demand.sample.boroughs import Borough
from loti_demand.sample.common import (
    log_uniform,
    random_date,
    random_weekday,
    read_csv_rows,
    weighted_choice,
    zipf_weights,
)
from loti_demand.sample.subjects import NON_TECH_SUBJECTS, TECH_SUBJECTS, Subject
from loti_demand.sample.suppliers import NAME_STYLES, Supplier, supplier_spelling

NON_TECH_SHARE = 0.2

FTS_PATHS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("pipeline",), 30),
    (("pipeline", "tender"), 8),
    (("engagement",), 10),
    (("engagement", "tender"), 8),
    (("planned", "tender", "award"), 8),
    (("tender",), 26),
    (("tender", "award"), 22),
    (("tender", "award", "contract"), 12),
    (("award",), 16),
)
CF_PATHS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("engagement",), 8),
    (("planned",), 6),
    (("tender",), 20),
    (("tender", "award"), 18),
    (("award",), 20),
    (("tender", "award", "contract"), 8),
)
STEP_GAPS = {
    ("pipeline", "tender"): (150, 300),
    ("engagement", "tender"): (60, 150),
    ("planned", "tender"): (30, 75),
    ("tender", "award"): (60, 150),
    ("award", "contract"): (14, 60),
}

FIRST_RELEASE = {"fts": dt.date(2025, 2, 24), "cf": dt.date(2025, 1, 6)}  # FTS: Procurement Act notices
LAST_RELEASE = dt.date(2026, 3, 31)
EXPIRING = (dt.date(2026, 4, 1), dt.date(2029, 12, 31))
EXPIRING_COUNT = 58
SHORT_COUNT = 10

# ITL 2021 level-3 areas of London, by borough, for the address.region of buyers in notices.
ITL3_LONDON = {
    "E09000001": "UKI31",
    "E09000007": "UKI31",
    "E09000033": "UKI32",
    "E09000020": "UKI33",
    "E09000013": "UKI33",
    "E09000032": "UKI34",
    "E09000012": "UKI41",
    "E09000025": "UKI41",
    "E09000030": "UKI42",
    "E09000014": "UKI43",
    "E09000019": "UKI43",
    "E09000023": "UKI44",
    "E09000028": "UKI44",
    "E09000022": "UKI45",
    "E09000004": "UKI51",
    "E09000011": "UKI51",
    "E09000002": "UKI52",
    "E09000016": "UKI52",
    "E09000026": "UKI53",
    "E09000031": "UKI53",
    "E09000010": "UKI54",
    "E09000006": "UKI61",
    "E09000008": "UKI62",
    "E09000024": "UKI63",
    "E09000021": "UKI63",
    "E09000029": "UKI63",
    "E09000003": "UKI71",
    "E09000005": "UKI72",
    "E09000009": "UKI73",
    "E09000015": "UKI74",
    "E09000017": "UKI74",
    "E09000018": "UKI75",
    "E09000027": "UKI75",
}

LONDON_BODY_BUYERS = (
    ("greater-london-authority", "Greater London Authority", ("Greater London Authority", "GLA", "Mayor of London")),
    ("transport-for-london", "Transport for London", ("Transport for London", "TfL", "Transport for London (TfL)")),
    ("london-councils", "London Councils", ("London Councils",)),
)
NON_LONDON_BUYERS = (
    ("kent", "Kent County Council", ("Kent County Council", "Kent CC"), "UKJ45", "South East", "Maidstone"),
    ("surrey", "Surrey County Council", ("Surrey County Council",), "UKJ26", "South East", "Reigate"),
    ("essex", "Essex County Council", ("Essex County Council",), "UKH36", "East of England", "Chelmsford"),
    (
        "hertfordshire",
        "Hertfordshire County Council",
        ("Hertfordshire County Council", "Herts County Council"),
        "UKH23",
        "East of England",
        "Hertford",
    ),
)


@dataclass(frozen=True)
class Buyer:
    """A contracting authority and the names it appears under in notices."""

    key: str
    name: str
    aliases: tuple[str, ...]
    borough_code: str | None
    region: str
    delivery_region: str
    locality: str = "London"

    @property
    def email(self) -> str:
        return f"procurement@{self.key}.example"


@dataclass
class Process:
    """One procurement (one ocid) and the notices published for it."""

    platform: str
    buyer: Buyer
    subject: Subject
    title: str
    steps: tuple[str, ...]
    value: int
    buyer_name: str = ""
    buyer_id: str = ""
    ocid: str = ""
    dates: list[dt.date] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    release_ids: list[str] = field(default_factory=list)
    notice_ids: list[str] = field(default_factory=list)
    future_notice: dt.date | None = None
    supplier: Supplier | None = None
    supplier_name: str = ""
    award_value: int = 0
    contract_start: dt.date | None = None
    contract_end: dt.date | None = None
    sme: bool = False

    @property
    def is_awarded(self) -> bool:
        return "award" in self.steps


def load_buyers(reference_dir: Path, boroughs: list[Borough]) -> tuple[list[Buyer], list[Buyer], list[Buyer]]:
    """Borough buyers (with their aliases from borough_aliases.csv), other London bodies and non-London buyers."""
    aliases: dict[str, list[str]] = {}
    for row in read_csv_rows(reference_dir / "borough_aliases.csv"):
        if row["alias"] != row["borough_code"]:
            aliases.setdefault(row["borough_code"], []).append(row["alias"])
    councils = [
        Buyer(b.slug, b.official_name, tuple(aliases.get(b.code, [b.name])), b.code, ITL3_LONDON[b.code], "London")
        for b in boroughs
    ]
    london = [Buyer(key, name, names, None, "UKI32", "London") for key, name, names in LONDON_BODY_BUYERS]
    elsewhere = [
        Buyer(key, name, names, None, region, delivery, town)
        for key, name, names, region, delivery, town in NON_LONDON_BUYERS
    ]
    return councils, london, elsewhere


def allocate_buyers(
    councils: list[Buyer], boroughs: list[Borough], london: list[Buyer], elsewhere: list[Buyer], rng: random.Random
) -> list[Buyer]:
    """220 buyer slots: five per borough plus 35 more by population, 12 London bodies, 8 non-London."""
    slots = [c for c in councils for _ in range(5)]
    populations = [b.population for b in boroughs]
    slots += [weighted_choice(rng, councils, populations) for _ in range(35)]
    slots += [b for b in london for _ in range(4)] + [b for b in elsewhere for _ in range(2)]
    rng.shuffle(slots)
    return slots


def plan_processes(buyers: list[Buyer], rng: random.Random) -> list[Process]:
    """Pair each buyer slot with a platform, a path of notices and a subject."""
    paths = [("fts", path) for path, n in FTS_PATHS for _ in range(n)]
    paths += [("cf", path) for path, n in CF_PATHS for _ in range(n)]
    rng.shuffle(paths)
    processes = []
    for buyer, (platform, steps) in zip(buyers, paths, strict=True):
        tech = rng.random() >= NON_TECH_SHARE
        subjects = TECH_SUBJECTS if tech else NON_TECH_SUBJECTS
        subject = weighted_choice(rng, subjects, [s.weight for s in subjects])
        low = 2_000_000 if steps[0] == "pipeline" else 50_000
        value = int(round(log_uniform(rng, low, 25_000_000 if rng.random() < 0.15 else 8_000_000), -3))
        name = rng.choice(buyer.aliases)
        processes.append(
            Process(
                platform,
                buyer,
                subject,
                rng.choice(subject.titles),
                steps,
                max(value, low),
                buyer_name=name,
                sme=rng.random() < 0.6,
            )
        )
    return processes


def schedule(process: Process, rng: random.Random) -> None:
    """Date each notice of the process, in order, between early 2025 and March 2026."""
    gaps = [rng.randint(*STEP_GAPS[pair]) for pair in zip(process.steps, process.steps[1:], strict=False)]
    earliest = FIRST_RELEASE[process.platform]
    if process.steps[0] == "pipeline":
        earliest = dt.date(2025, 4, 1)
    elif process.steps == ("tender",):
        earliest = dt.date(2025, 9, 1)  # tenders with no award yet are recent
    latest_start = LAST_RELEASE - dt.timedelta(days=sum(gaps))
    if latest_start < earliest:
        gaps = [g * (LAST_RELEASE - earliest).days // max(sum(gaps), 1) for g in gaps]
        latest_start = LAST_RELEASE - dt.timedelta(days=sum(gaps))
    day = random_weekday(rng, earliest, latest_start)
    process.dates = [day]
    for gap in gaps:
        day = min(day + dt.timedelta(days=gap), LAST_RELEASE)
        process.dates.append(day)
    process.times = sorted(
        f"{rng.randint(7, 18):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}" for _ in process.dates
    )
    if process.steps[-1] in {"pipeline", "engagement", "planned"}:
        process.future_notice = random_date(rng, dt.date(2026, 4, 1), dt.date(2027, 9, 30))
    elif process.steps[0] in {"pipeline", "engagement", "planned"}:
        process.future_notice = process.dates[1]


def award(process: Process, kind: str, suppliers: dict[str, list[Supplier]], rng: random.Random) -> None:
    """Choose the winner, the awarded value and a contract period ending as `kind` says."""
    group = suppliers[process.subject.supplier_group]
    process.supplier = weighted_choice(rng, group, zipf_weights(len(group)))
    style = "registered" if rng.random() < 0.7 else rng.choice(NAME_STYLES)
    process.supplier_name = supplier_spelling(process.supplier, style)
    process.award_value = int(round(process.value * rng.uniform(0.8, 1.05), -2))
    awarded_on = process.dates[process.steps.index("award")]
    start = awarded_on + dt.timedelta(days=rng.randint(14, 60))
    short_end = start + dt.timedelta(days=rng.randint(180, 365))
    if kind == "short" and short_end < EXPIRING[0]:
        end = short_end
    elif kind == "long":
        end = random_date(rng, dt.date(2030, 1, 1), dt.date(2032, 12, 31))
    else:
        end = random_date(rng, max(EXPIRING[0], start + dt.timedelta(days=180)), EXPIRING[1])
    process.contract_start, process.contract_end = start, end


def award_kinds(count: int, rng: random.Random) -> list[str]:
    """How each award's contract ends, for awards in date order: the earliest are short, already ended."""
    later = ["expiring"] * EXPIRING_COUNT + ["long"] * max(0, count - EXPIRING_COUNT - SHORT_COUNT)
    rng.shuffle(later)
    return (["short"] * SHORT_COUNT + later)[:count]


def assign_identifiers(processes: list[Process], rng: random.Random) -> None:
    """Ocids and notice ids: FTS numbers in date order, Contracts Finder uuids from the seed."""
    fts = sorted((p for p in processes if p.platform == "fts"), key=lambda p: (p.dates[0], p.title, p.buyer.key))
    number = 0x04B2A1
    for process in fts:
        number += rng.randint(1, 300)
        process.ocid = f"ocds-h6vhtk-{number:06x}"
    notices = sorted(
        ((p.dates[i], p.times[i], p.ocid, i, p) for p in fts for i in range(len(p.steps))), key=lambda n: n[:4]
    )
    counters = {2025: 4100, 2026: 100}
    for process in fts:
        process.release_ids = [""] * len(process.steps)
    for day, _, _, index, process in notices:
        counters[day.year] += rng.randint(5, 60)
        process.release_ids[index] = f"{counters[day.year]:06d}-{day.year}"
    cf_number = 806000
    for process in sorted((p for p in processes if p.platform == "cf"), key=lambda p: (p.dates[0], p.title)):
        process.ocid = f"ocds-b5fd17-{uuid.UUID(int=rng.getrandbits(128), version=4)}"
        for _ in process.steps:
            cf_number += rng.randint(10, 400)
            notice = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            process.notice_ids.append(notice)
            process.release_ids.append(f"{notice}-{cf_number}")


def buyer_identifier(buyer: Buyer, platform: str, seed: int) -> str:
    """The buyer's party id: its GSS code (GB-LAC) sometimes, else a made-up PPON or Contracts Finder id."""
    rng = random.Random(f"{seed}:buyer-id:{platform}:{buyer.key}")
    if buyer.borough_code and rng.random() < 0.3:
        return f"GB-LAC-{buyer.borough_code}"
    if platform == "cf":
        return f"GB-CFS-{rng.randrange(10000, 99999)}"
    letters = "ABCDEFGHJKLMNPQRSTVWXYZ"
    block = "".join(rng.choice(letters) for _ in range(4))
    tail = "".join(rng.choice(letters) for _ in range(4))
    return f"GB-PPON-{block}-{rng.randrange(1000, 9999)}-{tail}"


def build_processes(
    buyers: tuple[list[Buyer], list[Buyer], list[Buyer]],
    boroughs: list[Borough],
    suppliers: dict[str, list[Supplier]],
    seed: int,
) -> list[Process]:
    """Plan, date, award and number about 220 procurement processes."""
    rng = random.Random(f"{seed}:procurement")
    councils, london, elsewhere = buyers
    processes = plan_processes(allocate_buyers(councils, boroughs, london, elsewhere, rng), rng)
    for process in processes:
        schedule(process, rng)
        process.buyer_id = buyer_identifier(process.buyer, process.platform, seed)
    awarded = sorted(
        (p for p in processes if p.is_awarded), key=lambda p: (p.dates[p.steps.index("award")], p.title, p.buyer.key)
    )
    for process, kind in zip(awarded, award_kinds(len(awarded), rng), strict=True):
        award(process, kind, suppliers, rng)
    assign_identifiers(processes, rng)
    return processes
