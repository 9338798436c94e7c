"""Check input files against their published standard without building a warehouse.

`python -m loti_demand validate challenges FILE...` calls validate_challenge_file: the same reader and
validator as a build, so a file that validates here loads in the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from loti_demand.normalise.challenges import (
    ChallengeResult,
    ChallengeRules,
    combined_message,
    location,
    validate_rows,
)
from loti_demand.reference import Reference
from loti_demand.sources.challenges import read_challenges


@dataclass
class FileValidation:
    source_file: str
    detected_format: str
    results: list[tuple[int, ChallengeResult]] = field(default_factory=list)

    @property
    def valid(self) -> list[tuple[int, ChallengeResult]]:
        return [(n, r) for n, r in self.results if r.is_valid]

    @property
    def invalid(self) -> list[tuple[int, ChallengeResult]]:
        return [(n, r) for n, r in self.results if not r.is_valid]

    def messages(self) -> list[str]:
        """One message per invalid row, naming where it is and every column with a problem."""
        return [combined_message(location(self.detected_format, n), r.problems) for n, r in self.invalid]

    def summaries(self, borough_names: dict[str, str]) -> list[str]:
        """One line per valid row: its id, title, boroughs and tech category with the reason."""
        lines = []
        for number, result in self.valid:
            row = result.row
            boroughs = ", ".join(borough_names.get(c, c) for c in result.borough_codes)
            category = f"tech category {row['tech_category']}" if row["tech_category"] else "no tech category"
            lines.append(
                f"{location(self.detected_format, number)}: {row['id']} '{row['title']}' ({boroughs}); "
                f"{category} ({row['tech_category_reason']})"
            )
        return lines


def validate_challenge_file(path: Path, ref: Reference | None = None) -> FileValidation:
    """Read and validate one challenges file; raise InputFileError when the file as a whole is unusable."""
    ref = ref or Reference()
    rules = ChallengeRules.from_reference(ref)
    (challenge_file,) = read_challenges(Path(path))
    results = validate_rows(challenge_file.rows, rules, challenge_file.detected_format)
    return FileValidation(challenge_file.source_file, challenge_file.detected_format, results)
