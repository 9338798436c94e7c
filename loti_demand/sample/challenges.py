"""Challenges: problem statements boroughs publish, some linked to a sample procurement."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from loti_demand.sample.boroughs import Borough
from loti_demand.sample.challenge_texts import CHALLENGES
from loti_demand.sample.common import log_uniform, random_date, read_csv_rows, weighted_choice
from loti_demand.sample.constants import AS_OF
from loti_demand.sample.procurement import Process
from loti_demand.sources.challenges import CHALLENGE_FIELDS

LINKED_CHALLENGES = 6
MULTI_BOROUGH_CHALLENGES = 8
CHALLENGE_STATUSES = ("open",) * 14 + ("closed",) * 13 + ("awarded",) * 7


@dataclass
class Challenge:
    theme: str
    title: str
    statement: str
    category: str | None
    boroughs: list[Borough]
    status: str = "open"
    opens_on: dt.date = AS_OF
    closes_on: dt.date = AS_OF
    budget: int = 0
    give_category: bool = False
    outcome: Process | None = None


def link_outcomes(challenges: list[Challenge], processes: list[Process], by_code: dict[str, Borough]) -> None:
    """Point a few awarded challenges at a sample procurement of the same borough and tech category."""
    candidates = sorted(
        (
            p
            for p in processes
            if p.is_awarded
            and p.buyer.borough_code
            and p.subject.tech_category
            and p.dates[p.steps.index("award")] >= dt.date(2025, 10, 15)
        ),
        key=lambda p: (p.dates[p.steps.index("award")], p.ocid),
    )
    linked = 0
    for challenge in challenges:
        match = next((p for p in candidates if p.subject.tech_category == challenge.category), None)
        if match is None or linked == LINKED_CHALLENGES:
            continue
        candidates.remove(match)
        challenge.outcome, challenge.status, challenge.give_category = match, "awarded", True
        challenge.boroughs = [by_code[str(match.buyer.borough_code)]]
        linked += 1


def date_challenge(challenge: Challenge, rng: random.Random) -> None:
    """Opening and closing dates by status; linked challenges close before their procurement is awarded."""
    if challenge.outcome is not None:
        awarded = challenge.outcome.dates[challenge.outcome.steps.index("award")]
        challenge.closes_on = awarded - dt.timedelta(days=rng.randint(30, 90))
        challenge.opens_on = max(dt.date(2025, 6, 1), challenge.closes_on - dt.timedelta(days=rng.randint(28, 60)))
    elif challenge.status == "open":
        challenge.opens_on = random_date(rng, dt.date(2025, 10, 1), dt.date(2026, 3, 31))
        challenge.closes_on = random_date(rng, dt.date(2026, 4, 1), dt.date(2026, 9, 30))
    else:
        challenge.opens_on = random_date(rng, dt.date(2025, 6, 1), dt.date(2025, 12, 31))
        challenge.closes_on = min(challenge.opens_on + dt.timedelta(days=rng.randint(28, 90)), dt.date(2026, 3, 31))


def build_challenges(processes: list[Process], boroughs: list[Borough], seed: int) -> list[Challenge]:
    """About 40 challenges, 8 of them shared by several boroughs and 6 linked to an awarded procurement."""
    rng = random.Random(f"{seed}:challenges")
    populations = [b.population for b in boroughs]
    challenges = [
        Challenge(theme, title, text, category, [weighted_choice(rng, boroughs, populations)])
        for theme, title, text, category in CHALLENGES
    ]
    order = list(range(len(challenges)))
    rng.shuffle(order)
    link_outcomes([challenges[i] for i in order], processes, {b.code: b for b in boroughs})
    others = [challenges[i] for i in order if challenges[i].outcome is None]
    for challenge, status in zip(others, CHALLENGE_STATUSES, strict=False):
        challenge.status = status
    for challenge in others[:MULTI_BOROUGH_CHALLENGES]:
        extra = rng.sample([b for b in boroughs if b not in challenge.boroughs], rng.randint(1, 3))
        challenge.boroughs += extra
    for challenge in challenges:
        date_challenge(challenge, rng)
        challenge.budget = int(round(log_uniform(rng, 20_000, 300_000), -3))
        challenge.give_category = challenge.give_category or (challenge.category is not None and rng.random() < 0.25)
    return sorted(challenges, key=lambda c: (c.opens_on, c.title))


def borough_reference(borough: Borough, rng: random.Random, aliases: dict[str, list[str]]) -> str:
    """A borough as publishers write it: its name, one of its aliases, or its GSS code."""
    roll = rng.random()
    if roll < 0.5:
        return borough.name
    if roll < 0.8 and aliases.get(borough.code):
        return rng.choice(aliases[borough.code])
    return borough.code


def challenge_rows(challenges: list[Challenge], reference_dir: Path, seed: int) -> list[list[str]]:
    rng = random.Random(f"{seed}:challenge-rows")
    aliases: dict[str, list[str]] = {}
    for row in read_csv_rows(reference_dir / "borough_aliases.csv"):
        if row["alias"] != row["borough_code"] and ";" not in row["alias"]:
            aliases.setdefault(row["borough_code"], []).append(row["alias"])
    rows = [list(CHALLENGE_FIELDS)]  # the challenge standard's columns, as the reader expects them
    for number, c in enumerate(challenges, start=1):
        cid = f"ch-{number:03d}"
        rows.append(
            [
                cid,
                c.title,
                c.statement,
                ";".join(borough_reference(b, rng, aliases) for b in c.boroughs),
                c.theme,
                c.status,
                c.opens_on.isoformat(),
                c.closes_on.isoformat(),
                str(c.budget),
                f"https://example.org/challenges/{cid}",
                f"innovation@{c.boroughs[0].slug}.example",
                (c.category or "") if c.give_category else "",
                c.outcome.ocid if c.outcome else "",
            ]
        )
    return rows
