"""Deterministic OCDS releases for the benchmark: procurement processes of 1-3 releases (planning with an
engagement milestone, tender with a bid window, award with a supplier and a contract period), bought by London
boroughs (85%) or county councils outside London, about 60% for technology by CPV code. Written as release
packages of 10,000 releases in the Find a Tender style (ocids ocds-h6vhtk-...).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np

from loti_demand.reference import Reference

# (CPV code, share): about 60% of processes buy technology.
CPV_CODES = (
    ("48000000", 12),
    ("72000000", 10),
    ("72222300", 8),
    ("48810000", 5),
    ("72400000", 5),
    ("30213000", 5),
    ("32412000", 5),
    ("72310000", 4),
    ("48730000", 3),
    ("72413000", 3),
    ("45000000", 14),
    ("85000000", 10),
    ("90500000", 8),
    ("79000000", 8),
)
NON_LONDON_BUYERS = (
    ("Kent County Council", "E10000016", "UKJ4"),
    ("Surrey County Council", "E10000030", "UKJ2"),
    ("Essex County Council", "E10000012", "UKH3"),
    ("Hertfordshire County Council", "E10000015", "UKH2"),
)
LIFECYCLES = (("planning",), ("planning", "tender"), ("tender",), ("tender", "award"), ("planning", "tender", "award"))
RELEASES_PER_FILE = 10_000
LAST_RELEASE = dt.date(2026, 3, 31)


def _iso(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _draws(rng: np.random.Generator, n: int, boroughs: int) -> list[tuple]:
    """Every random choice for n processes, drawn at once (a numpy call per value would dominate)."""
    codes, shares = zip(*CPV_CODES, strict=True)
    columns = (
        rng.choice(len(LIFECYCLES), n, p=[0.3, 0.2, 0.2, 0.15, 0.15]),
        rng.random(n) < 0.85,
        rng.integers(0, boroughs, n),
        rng.integers(0, len(NON_LONDON_BUYERS), n),
        rng.choice(len(codes), n, p=np.array(shares) / sum(shares)),
        rng.integers(0, 800, n),
        rng.integers(20, 5000, n) * 1000,
        rng.integers(30, 500, n),
        rng.integers(20, 400, n),
        rng.integers(20, 200, (n, 3)).tolist(),
        rng.integers(1, 900, n),
        rng.integers(365, 5 * 365, n),
    )
    return list(zip(*[c if isinstance(c, list) else c.tolist() for c in columns], strict=True))


def process_releases(i: int, draw: tuple, boroughs: list[dict[str, str]]) -> list[dict]:
    """The releases of one procurement process: planning, tender and award notices as it goes on."""
    lifecycle, london, borough, other, cpv, back, value, due, tender_days, gaps, contractor, term = draw
    ocid = f"ocds-h6vhtk-{i:07x}"
    if london:
        b = boroughs[borough]
        buyer = {
            "id": f"GB-LAC-{b['borough_code']}",
            "name": f"London Borough of {b['borough_name']}",
            "address": {"region": "UKI"},
        }
    else:
        name, code, region = NON_LONDON_BUYERS[other]
        buyer = {"id": f"GB-LAC-{code}", "name": name, "address": {"region": region}}
    day = LAST_RELEASE - dt.timedelta(days=back)
    tender = {
        "id": f"{ocid}-tender",
        "title": f"Procurement {i:06d}",
        "description": f"Services for process {i}",
        "classification": {"scheme": "CPV", "id": CPV_CODES[cpv][0]},
        "value": {"amount": value, "currency": "GBP"},
        "status": "planned",
    }
    releases = []
    for n, stage in enumerate(LIFECYCLES[lifecycle]):
        release = {
            "ocid": ocid,
            "id": f"{ocid}-{n + 1}",
            "date": _iso(min(day, LAST_RELEASE)),
            "tag": [stage],
            "initiationType": "tender",
            "buyer": buyer,
            "tender": dict(tender),
        }
        if stage == "planning":
            release["planning"] = {
                "milestones": [{"id": "1", "type": "engagement", "dueDate": _iso(day + dt.timedelta(days=due))}]
            }
        if stage in ("tender", "award"):
            release["tender"].update(
                status="active" if stage == "tender" else "complete",
                tenderPeriod={"startDate": _iso(day), "endDate": _iso(day + dt.timedelta(days=tender_days))},
            )
            tender = release["tender"]
        if stage == "award":
            start = day + dt.timedelta(days=30)
            release["awards"] = [
                {
                    "id": f"{ocid}-award-1",
                    "status": "active",
                    "date": _iso(day),
                    "value": {"amount": value, "currency": "GBP"},
                    "suppliers": [{"name": f"Contractor {contractor:03d} Ltd"}],
                    "contractPeriod": {"startDate": _iso(start), "endDate": _iso(start + dt.timedelta(days=term))},
                }
            ]
        releases.append(release)
        day += dt.timedelta(days=gaps[n])
    return releases


def generate_releases(root: Path, releases: int, seed: int = 42) -> int:
    """Write `releases` OCDS releases as release packages of 10,000 under root/procurement/. Returns files."""
    boroughs = Reference().boroughs
    draws = _draws(np.random.default_rng([seed, 3]), releases, len(boroughs))
    folder = root / "procurement"
    folder.mkdir(parents=True, exist_ok=True)
    pending: list[dict] = []
    files = 0
    for process, draw in enumerate(draws):
        batch = process_releases(process, draw, boroughs)[:releases]
        releases -= len(batch)
        pending.extend(batch)
        if len(pending) >= RELEASES_PER_FILE or releases == 0:
            package = {
                "uri": f"https://example.invalid/scale/{files}",
                "version": "1.1",
                "publishedDate": _iso(LAST_RELEASE),
                "releases": pending,
            }
            (folder / f"releases-{files:04d}.json").write_text(json.dumps(package), encoding="utf-8")
            files, pending = files + 1, []
        if releases == 0:
            break
    return files
