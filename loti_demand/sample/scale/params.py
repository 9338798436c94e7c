"""What the sample at scale is asked for, and what it wrote."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from loti_demand.sample.scale.text import MONTHS

GENERATOR_VERSION = 3  # bump when the output changes, so saved inputs are regenerated


@dataclass(frozen=True)
class ScaleParams:
    lines: int
    releases: int
    seed: int = 42
    months: int = MONTHS  # the last `months` of the ten years (fewer files for quick runs)
    repeated: int = 10  # lines each overlapping file repeats (0: no duplicates)
    generator: int = GENERATOR_VERSION


@dataclass
class ScaledData:
    """What is on disk under `folder`: unique payment lines and files per layout, repeated lines, release files,
    and how long generating took."""

    folder: Path
    params: ScaleParams
    lines_by_layout: dict[str, int] = field(default_factory=dict)
    files_by_layout: dict[str, int] = field(default_factory=dict)
    layout_of_borough: dict[str, str] = field(default_factory=dict)
    repeated_lines: int = 0
    release_files: int = 0
    seconds: float = 0.0
    reused: bool = False

    @property
    def spend_lines(self) -> int:
        return sum(self.lines_by_layout.values())
