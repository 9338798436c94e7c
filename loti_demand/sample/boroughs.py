"""The 33 London boroughs as the sample sees them, each with its publication layout, and the London-wide bodies
whose spend the sample holds too."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from loti_demand.sample.common import read_csv_rows, slugify
from loti_demand.sample.constants import BODIES, LAYOUT_NAMES

ROYAL_BOROUGHS = {"E09000020", "E09000021", "E09000011"}


@dataclass(frozen=True)
class Borough:
    code: str
    name: str
    population: int
    layout: str

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def official_name(self) -> str:
        """The council's corporate name as it heads its own publications."""
        if not self.code.startswith("E09"):  # a London-wide body
            return self.name
        if self.code == "E09000001":
            return "City of London Corporation"
        if self.code == "E09000033":
            return "Westminster City Council"
        prefix = "Royal Borough of" if self.code in ROYAL_BOROUGHS else "London Borough of"
        return f"{prefix} {self.name}"


def load_boroughs(reference_dir: Path, seed: int) -> list[Borough]:
    """The 33 boroughs from boroughs.csv, each given one of the five layouts (shuffled, spread evenly)."""
    rows = sorted(read_csv_rows(reference_dir / "boroughs.csv"), key=lambda r: r["borough_code"])
    order = list(range(len(rows)))
    random.Random(f"{seed}:layouts").shuffle(order)
    names = list(LAYOUT_NAMES)
    layout_of = {index: names[position % len(names)] for position, index in enumerate(order)}
    return [
        Borough(r["borough_code"], r["borough_name"], int(r["population"]), layout_of[i]) for i, r in enumerate(rows)
    ]


def load_bodies() -> list[Borough]:
    """The London-wide bodies that publish spend in the sample (GLA, TfL), sized like a large borough."""
    return [Borough(code, name, 600_000, layout) for code, name, layout in BODIES]
