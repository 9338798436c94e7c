"""Read the reference data in data/reference/: the region's authorities, aliases and bodies, the tech taxonomy.

The region (the `region` setting) picks the folder of the area's own files (REGION_FILES): `london` keeps them at the
top of the reference folder, any other region in regions/<region>/ beside a region.toml naming the area. The rest
(taxonomy, rules, synonyms...) is shared by every region."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from loti_demand import config
from loti_demand.exceptions import ReferenceDataError
from loti_demand.normalise.organisations import build_alias_index, match_borough
from loti_demand.reference_files import read_table

DEFAULT_REGION = "london"
# A region's own files: {name: (columns every such file has, optional columns)}; a file in OPTIONAL_FILES may be left
# out (an empty table), and an optional column too (NULL).
REGION_FILES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "boroughs": (
        ("borough_code", "borough_name", "population", "population_year"),
        ("inner_outer", "tile_col", "tile_row"),
    ),
    "borough_aliases": (("alias", "borough_code"), ()),
    "borough_neighbours": (("borough_code", "borough_name", "neighbour_code", "neighbour_name"), ()),
    "london_bodies": (("alias", "body_name", "body_type", "body_code"), ()),
    "spend_sources": (
        ("publisher", "publisher_code", "listing_type", "landing_page_url", "catalogue_url", "file_pattern"),
        ("page_pattern", "licence", "found_on_date", "found_on_page", "notes"),
    ),
}
# The columns the build reads of the shared files (every region's), checked when they are read.
SHARED_COLUMNS: dict[str, tuple[str, ...]] = {
    "tech_categories": ("tech_category", "label"),
    "tech_rules": ("tech_category", "rule_type", "pattern"),
    "tech_suppliers": ("supplier", "match", "tech_category"),
    "technology_terms": ("term",),
}
OPTIONAL_FILES = frozenset({"borough_neighbours", "london_bodies", "spend_sources"})
LONDON = {"name": "London", "itl": ["UKI", "TLI"], "places": ["London", "Greater London"]}  # no region.toml


@dataclass(frozen=True)
class Region:
    """The area a warehouse covers, from its region.toml: `name` for pages ("London", "Greater Manchester"), and what
    its authorities are called (`authority`: "borough", "council")."""

    code: str
    name: str
    authority: str = "borough"
    population_source: str = ""
    # Where a notice's buyer or delivery address says it is inside the area: ITL/NUTS code prefixes and names.
    itl: tuple[str, ...] = ()
    places: tuple[str, ...] = ()

    @property
    def authorities(self) -> str:
        return self.authority + "s"

    @classmethod
    def of_build(cls, info: Mapping) -> Region:
        """The area a warehouse covers as its build recorded it (a build_info row), not as the region setting now
        says: London for a warehouse built before regions were recorded."""
        name = info.get("region_name")
        if not isinstance(name, str):  # absent, or NULL (None or NaN)
            return cls("london", "London")
        return cls(str(info["region"]), name, str(info["authority_word"]))


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
    """The reference tables, read once. `folder` defaults to the `reference` setting, `region` to the `region` one."""

    folder: Path = field(default_factory=lambda: config.path("reference"))
    region: str = field(default_factory=lambda: str(config.get("region")))

    @cached_property
    def region_folder(self) -> Path:
        """Where the region's own files are: the reference folder itself for london, else regions/<region>/."""
        if self.region == DEFAULT_REGION:
            return self.folder
        folder = self.folder / "regions" / self.region
        if not (folder / "region.toml").is_file():
            known = sorted(p.parent.name for p in (self.folder / "regions").glob("*/region.toml"))
            raise ReferenceDataError(
                f"{folder}: no region called '{self.region}' (no region.toml there). Set LOTI_DEMAND_REGION to "
                f"{DEFAULT_REGION} or one of: {', '.join(known) or 'none yet'}; docs/regions.md says how to add one."
            )
        return folder

    @cached_property
    def area(self) -> Region:
        """The region's name and words from its region.toml (London's defaults when london has none)."""
        path = self.region_folder / "region.toml"
        info = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else LONDON
        fields = {k: str(info[k]) for k in ("name", "authority", "population_source") if k in info}
        if "name" not in fields:
            raise ReferenceDataError(f'{path}: no `name` (the area\'s name for pages, such as name = "London")')
        places = tuple(str(p).upper() for p in info.get("places", ()))
        return Region(self.region, **fields, itl=tuple(str(c).upper() for c in info.get("itl", ())), places=places)

    def in_area(self, region: str) -> bool:
        """Whether a notice's published region (an ITL/NUTS code or a place name) is inside the area."""
        region = region.strip().upper()
        return bool(region) and (region.startswith(self.area.itl) or region in self.area.places)

    def path(self, name: str) -> Path:
        """The CSV of a reference table: the region's own (REGION_FILES) or a shared one."""
        return (self.region_folder if name in REGION_FILES else self.folder) / f"{name}.csv"

    def absent_columns(self, name: str) -> tuple[str, ...]:
        """A region file's optional columns its header lacks (all its columns when an optional file is absent)."""
        if name not in REGION_FILES:
            return ()
        required, optional = REGION_FILES[name]
        path = self.path(name)
        if not path.is_file():
            if name in OPTIONAL_FILES:
                return required + optional
            raise ReferenceDataError(f"{path}: missing; every region needs {name}.csv (see docs/regions.md)")
        return self._lacks(name, self.numbered(name)[0])

    @staticmethod
    def _lacks(name: str, header: tuple[str, ...]) -> tuple[str, ...]:
        """A region file's optional columns not in its header (none for a shared file)."""
        return tuple(c for c in REGION_FILES[name][1] if c not in header) if name in REGION_FILES else ()

    def numbered(self, name: str) -> tuple[tuple[str, ...], list[tuple[int, dict[str, str]]]]:
        """(the header, (row number, row) of each row) of a reference table's file, its required columns checked
        (a region file's, or SHARED_COLUMNS')."""
        path = self.path(name)
        required = REGION_FILES[name][0] if name in REGION_FILES else SHARED_COLUMNS.get(name, ())
        return read_table(path, required)

    def table(self, name: str) -> list[dict[str, str]]:
        if not self.path(name).is_file():
            self.absent_columns(name)  # refuses a region's required file left out; an optional one has no rows
            return []
        header, rows = self.numbered(name)  # read once: its header gives the columns it lacks
        absent = self._lacks(name, header)
        return [{**row, **dict.fromkeys(absent, "")} for _, row in rows]

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
        """Every publisher: the region's authorities, then its other public bodies."""
        boroughs = [Publisher(code, name, "borough", code) for code, name in self.borough_names.items()]
        return boroughs + list(self.bodies.values())
