"""The spend source registry, data/reference/spend_sources.csv: where each publisher lists its spend files.

One row per publisher (the 33 London authorities and the London-wide bodies). Users add or correct a source by
editing the CSV; this module reads it and says exactly which row and column is wrong.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, fields
from pathlib import Path

from loti_demand.exceptions import InputFileError
from loti_demand.sources.http import is_web_url

FILE_NAME = "spend_sources.csv"
LISTING_TYPES = {
    "html": "landing_page_url",  # a web page linking the files (followed through pagination and page_pattern)
    "ckan": "catalogue_url",  # a CKAN dataset page: its resources come from the CKAN API (package_show)
    "datastore": "catalogue_url",  # a London Datastore dataset page: its resources come from the Datastore API
}
# Without a file_pattern, any link whose path ends with one of these is a spend file.
DEFAULT_FILE_PATTERN = r"(?i)\.(csv|xlsx|xls|zip)$"


@dataclass(frozen=True)
class SpendSource:
    publisher: str
    publisher_code: str
    listing_type: str
    landing_page_url: str
    catalogue_url: str
    file_pattern: str
    page_pattern: str
    licence: str
    found_on_date: str
    found_on_page: str
    notes: str

    @property
    def folder(self) -> str:
        """The publisher's folder under DIR/spend/."""
        return publisher_slug(self.publisher)

    @property
    def listing_url(self) -> str:
        """The URL the listing starts from ('' when the registry has none)."""
        return getattr(self, LISTING_TYPES[self.listing_type]) if self.listing_type else ""

    def is_file(self, url: str) -> bool:
        return re.search(self.file_pattern or DEFAULT_FILE_PATTERN, url) is not None

    def is_listing_page(self, url: str) -> bool:
        return bool(self.page_pattern) and re.search(self.page_pattern, url) is not None


COLUMNS = tuple(f.name for f in fields(SpendSource))


def publisher_slug(name: str) -> str:
    """'Mayor's Office for Policing and Crime' -> 'mayors-office-for-policing-and-crime': lower case, apostrophes
    dropped, every other run of characters that are not letters or digits made one hyphen."""
    text = re.sub(r"['\u2019]", "", name.lower())
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def read_sources(path: Path) -> list[SpendSource]:
    """Every row of the registry, checked: a problem names the file, the line and the column."""
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InputFileError(
                    str(path), f"has no column {', '.join(missing)}", f"keep the header row: {','.join(COLUMNS)}"
                )
            rows = [(reader.line_num, {c: (row.get(c) or "").strip() for c in COLUMNS}) for row in reader]
    except OSError as exc:
        raise InputFileError(
            str(path),
            f"cannot be read ({exc.strerror})",
            "give the registry with --sources, or restore data/reference/spend_sources.csv",
        ) from exc
    sources, seen = [], {}
    for line, row in rows:
        source = SpendSource(**row)
        _check(source, path, line)
        if source.folder in seen:
            raise InputFileError(
                f"{path}, line {line}",
                f"publisher {source.publisher!r} is already on line {seen[source.folder]}",
                "keep one row per publisher",
            )
        seen[source.folder] = line
        sources.append(source)
    return sources


def _check(source: SpendSource, path: Path, line: int) -> None:
    where = f"{path}, line {line}"
    if not source.folder:
        raise InputFileError(where, "column publisher is empty", "name the publisher")
    if source.listing_type and source.listing_type not in LISTING_TYPES:
        raise InputFileError(
            where,
            f"column listing_type is {source.listing_type!r}",
            f"use one of {', '.join(LISTING_TYPES)}, or leave it empty when no listing is known",
        )
    for column in ("landing_page_url", "catalogue_url"):
        value = getattr(source, column)
        if value and not is_web_url(value):
            raise InputFileError(
                where,
                f"column {column} is not an http or https address: {value[:100]!r}",
                "give the full address, starting https://",
            )
    if source.listing_type and not source.listing_url:
        raise InputFileError(
            where,
            f"listing_type is {source.listing_type} but {LISTING_TYPES[source.listing_type]} is empty",
            "give the address, or leave listing_type empty",
        )
    for column in ("file_pattern", "page_pattern"):
        try:
            re.compile(getattr(source, column))
        except re.error as exc:
            raise InputFileError(
                where,
                f"column {column} is not a valid regular expression ({exc})",
                "write a Python regular expression searched in each link's full address",
            ) from exc


def choose(sources: list[SpendSource], names: tuple[str, ...] | list[str]) -> list[SpendSource]:
    """The sources named (by publisher name, folder name or GSS code), all of them when no name is given."""
    if not names:
        return list(sources)
    index = {}
    for source in sources:
        for key in (source.publisher, source.folder, source.publisher_code):
            if key:
                index[publisher_slug(key)] = source
    chosen, unknown = [], []
    for name in names:
        source = index.get(publisher_slug(name))
        if source is None:
            unknown.append(name)
        elif source not in chosen:
            chosen.append(source)
    if unknown:
        raise InputFileError(
            "--publisher",
            f"{', '.join(map(repr, unknown))} is not in the spend source registry",
            "use a publisher name, folder name or GSS code from spend_sources.csv",
        )
    return chosen
