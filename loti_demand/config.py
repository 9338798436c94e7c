"""Every setting in one declared table, with defaults, help and LOTI_DEMAND_* environment overrides."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from loti_demand.exceptions import LotiDemandError

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
REFERENCE_DIR = PROJECT_DIR / "data" / "reference"
ENV_PREFIX = "LOTI_DEMAND_"
# ONS Open Geography Portal: Local Authority Districts (December 2024) Boundaries UK BGC (generalised to 20 m,
# clipped to the coastline), filtered to London's E09 codes, reprojected by the server to WGS84, as GeoJSON.
BOUNDARIES_URL = (
    "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/"
    "Local_Authority_Districts_December_2024_Boundaries_UK_BGC/FeatureServer/0/query"
    "?where=LAD24CD%20LIKE%20%27E09%25%27&outFields=LAD24CD,LAD24NM&outSR=4326&f=geojson"
)


class SettingError(LotiDemandError):
    """An environment override a setting cannot take (not a number, a negative size, a boolean misspelt)."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | int | bool | None
    help: str
    type: type = str
    minimum: int = 1  # the least value of an int setting

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("data", "data/sample", "Input data folder: spend/<borough>/*, procurement/*, challenges/*."),
    Setting("warehouse", "data/warehouse.duckdb", "The DuckDB warehouse file the CLI builds and the dashboard reads."),
    Setting("reference", "data/reference", "Reference data folder (boroughs, aliases, tech taxonomy)."),
    Setting(
        "region",
        "london",
        "The area the warehouse covers: a region of the reference folder (`london`, its files at the top of it, or "
        "a folder regions/<region>/ such as `greater-manchester`). See docs/regions.md.",
    ),
    Setting("boundaries", None, "Optional official borough boundaries (GeoJSON, shapefile or GeoPackage, any CRS)."),
    Setting(
        "boundaries_url",
        BOUNDARIES_URL,
        "ArcGIS REST query `boundaries fetch` downloads London borough boundaries from (ONS Open Geography "
        "Portal, Local Authority Districts, E09 codes only, WGS84 GeoJSON).",
    ),
    Setting("raw_dir", "data/raw", "Where `fetch` saves raw API responses before ingesting them."),
    Setting("fts_url", "https://www.find-tender.service.gov.uk", "Base URL of the Find a Tender API (`fetch fts`)."),
    Setting(
        "contracts_finder_url",
        "https://www.contractsfinder.service.gov.uk",
        "Base URL of the Contracts Finder API (`fetch contracts-finder`).",
    ),
    Setting(
        "fetch_rate_limit_wait", 300, "Seconds to wait after Contracts Finder's rate-limit page (HTTP 403).", int, 0
    ),
    Setting("fetch_timeout", 30, "Seconds to wait for an API answer before retrying.", int),
    Setting(
        "fetch_max_file_mb",
        200,
        "Largest file `fetch spend` downloads, in MB; a larger one is abandoned part-way and logged as failed.",
        int,
    ),
    Setting(
        "fetch_max_page_mb",
        50,
        "Largest listing page or API answer (a page of notices) a fetch reads, in MB once decompressed; a larger "
        "one is abandoned part-way with a message.",
        int,
    ),
    Setting(
        "fetch_max_seconds",
        600,
        "Longest one download, listing page or API answer may take, in seconds, however slowly its bytes come; "
        "a slower one is abandoned part-way with a message.",
        int,
    ),
    Setting(
        "fetch_max_pages",
        10_000,
        "Most pages one Find a Tender or Contracts Finder fetch asks for (100 notices a page); beyond it the fetch "
        "stops, keeps its pages and says so.",
        int,
    ),
    Setting(
        "fetch_max_minutes_per_publisher",
        30,
        "Longest `fetch spend` (and `refresh`) spends on one publisher's listing and files, in minutes, waits asked "
        "for by its servers included; past it the files not yet tried are logged as not tried and the next "
        "publisher is fetched.",
        int,
    ),
    Setting(
        "build_memory_limit",
        "1GB",
        "Most memory DuckDB may use while building (it spills to a temporary folder beside the warehouse "
        "beyond this); a DuckDB size such as 1GB or 500MB.",
    ),
    Setting(
        "build_workers",
        0,
        "Worker processes for the build's Python work over many rows (compiling procurements' notices, classifying "
        "descriptions, indexing for search): 0 for one per core, 1 for none.",
        int,
        0,
    ),
    Setting(
        "spark_partitions",
        4,
        "`build --engine spark`: Spark's shuffle partitions (spark.sql.shuffle.partitions); on a cluster, a few "
        "times its cores.",
        int,
    ),
    Setting("max_export_rows", 1_000_000, "Largest number of rows a CSV export may hold.", int),
    Setting(
        "swap_warm_seconds",
        30,
        "When a rebuild swaps in a new warehouse file, the dashboard first asks it the queries asked more than once of "
        "the old one (at most 128; pages show the old file meanwhile), for at most this many seconds; 0 serves a new "
        "file at once.",
        int,
        0,
    ),
    # Input limits (sources/limits.py; docs/building.md, "Input limits"): a file beyond one is refused by name.
    Setting(
        "max_file_mb",
        128,
        "Largest spend or challenges file, in MB once decompressed (the members of a ZIP together; a workbook's "
        "XML may reach four times this). Such files are read whole: 128 MB keeps a build under about 1.5 GB.",
        int,
    ),
    Setting(
        "max_json_file_mb",
        2048,
        "Largest OCDS JSON file, in MB once decompressed (it is streamed, so this bounds time, not memory).",
        int,
    ),
    Setting(
        "max_json_value_mb",
        32,
        "Largest single JSON value read whole, in MB: one OCDS release or record (and so any string in it), "
        "or a whole challenges JSON file.",
        int,
    ),
    Setting(
        "max_compression_ratio",
        100,
        "Most a ZIP member or gzip file may expand, as a multiple of its compressed size (judged once it "
        "passes 16 MB; real spend files expand about 5 to 20 times).",
        int,
    ),
    Setting("max_columns", 1000, "Most cells one line or spreadsheet row may hold.", int),
    Setting(
        "max_sheet_cells",
        20_000_000,
        "Most cells read from one spreadsheet (the cells really present and the empty ones before a row's last, not "
        "the size the sheet claims).",
        int,
    ),
    Setting(
        "max_seconds_per_file",
        600,
        "Longest time reading one input file may take, in seconds (0 refuses every file: a check of the message).",
        int,
        minimum=0,
    ),
    Setting("strict", False, "Fail a build when any line is quarantined.", bool),
    Setting("require_browser", False, "Make missing Chromium a test failure rather than a skip.", bool),
    Setting("debug", False, "Show the full Python traceback of an unexpected error (for bug reports).", bool),
)
_BY_NAME = {s.name: s for s in SETTINGS}


TRUE, FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


def _convert(setting: Setting, raw: str) -> str | int | bool:
    """The value of an environment override, or a SettingError naming the variable, the value and what it accepts
    (before, LOTI_DEMAND_MAX_FILE_MB=abc ended every command in a traceback, =-5 was taken, STRICT=ture was false)."""
    text = raw.strip()
    if setting.type is bool:
        if text.lower() in TRUE | FALSE:
            return text.lower() in TRUE
        accepted = "true or false (also 1 or 0, yes or no, on or off)"
    elif setting.type is int:
        if re.fullmatch(r"[+-]?[0-9]+", text) and int(text) >= setting.minimum:  # ASCII digits ('²' is a digit)
            return int(text)
        accepted = f"a whole number of at least {setting.minimum}, such as {setting.default}"
    else:
        return raw
    raise SettingError(f"{setting.env_var}={raw[:80]!r} is not a value it accepts: give {accepted}, or unset it")


def get(name: str) -> str | int | bool | None:
    """Return a setting's effective value: the environment override if set, else the default."""
    setting = _BY_NAME[name]
    raw = os.environ.get(setting.env_var)
    if raw is None or raw == "":
        return setting.default
    return _convert(setting, raw)


def path(name: str, *, default: bool = False) -> Path | None:
    """Return a path setting resolved against the project folder when relative (`default`: the path it has when no
    environment variable overrides it)."""
    value = _BY_NAME[name].default if default else get(name)
    if value is None:
        return None
    p = Path(str(value))
    return p if p.is_absolute() else PROJECT_DIR / p


def effective() -> list[tuple[str, str, object, str]]:
    """(name, env var, value, help) for every setting, for `loti-demand settings`."""
    return [(s.name, s.env_var, get(s.name), s.help) for s in SETTINGS]
