"""Read the reference data in data/reference/: boroughs, aliases, London bodies, the tech taxonomy."""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from loti_demand import config
from loti_demand.normalise.organisations import build_alias_index, match_borough


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass
class Reference:
    """The reference tables, read once. `folder` defaults to the `reference` setting."""

    folder: Path = field(default_factory=lambda: config.path("reference"))

    def table(self, name: str) -> list[dict[str, str]]:
        return _rows(self.folder / f"{name}.csv")

    @cached_property
    def boroughs(self) -> list[dict[str, str]]:
        return self.table("boroughs")

    @cached_property
    def borough_names(self) -> dict[str, str]:
        return {b["borough_code"]: b["borough_name"] for b in self.boroughs}

    @cached_property
    def alias_index(self) -> dict[str, str]:
        aliases = {b["borough_name"]: b["borough_code"] for b in self.boroughs}
        aliases.update({b["borough_code"]: b["borough_code"] for b in self.boroughs})
        aliases.update({a["alias"]: a["borough_code"] for a in self.table("borough_aliases")})
        return build_alias_index(aliases)

    @cached_property
    def london_body_names(self) -> set[str]:
        from loti_demand.normalise.text import fold

        return {fold(r["alias"]) for r in self.table("london_bodies")}

    def london_body_index(self, name: str) -> bool:
        """True when the name is a London public body that is not a borough (GLA, TfL, London Councils...)."""
        from loti_demand.normalise.text import fold

        folded = fold(name or "")
        return bool(folded) and (folded in self.london_body_names or any(
            len(alias) > 6 and alias in folded for alias in self.london_body_names))

    @cached_property
    def manifest(self) -> dict:
        return tomllib.loads((self.folder / "reference.toml").read_text(encoding="utf-8"))

    @property
    def taxonomy_version(self) -> str:
        return str(self.manifest.get("tech_categories", {}).get("version", "unversioned"))

    def borough_code(self, name_or_code: str) -> str | None:
        """Resolve a borough name, alias or GSS code to its GSS code."""
        return match_borough(name_or_code, self.alias_index)
