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


@dataclass(frozen=True)
class Publisher:
    """Who published a spend file: a borough (code = its GSS code) or a London-wide body (code = its body_code in
    london_bodies.csv, such as GLA or TFL; borough_code None, so its spend never enters per-resident figures)."""

    code: str
    name: str
    kind: str  # borough | gla_group | london_wide | nhs | other
    borough_code: str | None

    @property
    def is_borough(self) -> bool:
        return self.borough_code is not None


def _publisher_key(text: str) -> str:
    """'Mayor's Office for Policing and Crime' and the folder 'mayors-office-for-policing-and-crime' agree."""
    from loti_demand.normalise.text import fold

    return fold(text.replace("'", "").replace("\u2019", ""))


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
    def _london_body_aliases(self) -> dict[str, str]:
        """Folded alias -> body_code, longest alias first (the most specific name wins a contained match)."""
        from loti_demand.normalise.text import fold

        aliases = {fold(r["alias"]): r["body_code"] for r in self.table("london_bodies")}
        return dict(sorted(aliases.items(), key=lambda kv: (-len(kv[0]), kv[0])))

    def london_body_code(self, name: str) -> str | None:
        """The body_code when the name is a London public body that is not a borough (GLA, TfL, London
        Councils...): the name itself, or a longer name containing one of its aliases; else None."""
        from loti_demand.normalise.text import fold

        folded = fold(name or "")
        if not folded:
            return None
        if folded in self._london_body_aliases:
            return self._london_body_aliases[folded]
        return next(
            (code for alias, code in self._london_body_aliases.items() if len(alias) > 6 and alias in folded), None
        )

    @cached_property
    def manifest(self) -> dict:
        return tomllib.loads((self.folder / "reference.toml").read_text(encoding="utf-8"))

    @property
    def taxonomy_version(self) -> str:
        return str(self.manifest.get("tech_categories", {}).get("version", "unversioned"))

    def borough_code(self, name_or_code: str) -> str | None:
        """Resolve a borough name, alias or GSS code to its GSS code."""
        return match_borough(name_or_code, self.alias_index)

    @cached_property
    def bodies(self) -> dict[str, Publisher]:
        """{body_code: Publisher} for every London-wide body in london_bodies.csv."""
        return {
            r["body_code"]: Publisher(r["body_code"], r["body_name"], r["body_type"], None)
            for r in self.table("london_bodies")
        }

    @cached_property
    def _body_index(self) -> dict[str, str]:
        """Folded alias, body name or body code -> body_code."""
        index = {}
        for r in self.table("london_bodies"):
            for name in (r["alias"], r["body_name"], r["body_code"]):
                index[_publisher_key(name)] = r["body_code"]
        return index

    def publisher(self, name_or_code: str) -> Publisher | None:
        """Resolve a borough (name, alias or GSS code) or a London-wide body (name, alias or code) to its
        Publisher; None when it is neither. A folder name such as 'transport-for-london' works too."""
        text = name_or_code.replace("_", " ").replace("-", " ")
        if code := self.borough_code(text):
            return Publisher(code, self.borough_names[code], "borough", code)
        if body := self._body_index.get(_publisher_key(name_or_code)) or self._body_index.get(_publisher_key(text)):
            return self.bodies[body]
        return None

    def publishers(self) -> list[Publisher]:
        """Every publisher: the 33 London authorities, then the London-wide bodies."""
        boroughs = [Publisher(code, name, "borough", code) for code, name in self.borough_names.items()]
        return boroughs + list(self.bodies.values())
