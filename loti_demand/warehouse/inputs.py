"""Where a build finds its input files: the data folder's spend/<publisher>/ folders, each one's files and
mapping.csv, and the publisher a name or code names (in the region of the reference data)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from loti_demand.exceptions import InputFileError, LotiDemandError
from loti_demand.reference import Publisher, Reference
from loti_demand.sources import fetch_log
from loti_demand.sources.spend_header import validate_mapping

SAMPLE_MARKER = "SAMPLE.md"


def spend_folders(
    data_dir: Path,
    ref: Reference,
    *,
    skip_bad_files: bool = False,
    rejected: list[tuple[str, InputFileError]] | None = None,
) -> list[tuple[Path, Publisher]]:
    """(folder, publisher) for each spend/<borough or London-wide body>/ folder.

    A folder named after neither raises InputFileError naming it; with skip_bad_files it is left out and added to
    `rejected` (its name, the error) so the build can record it."""
    root = data_dir / "spend"
    if not root.is_dir():
        return []
    folders = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        publisher = ref.publisher(folder.name)
        if publisher is None:
            error = InputFileError(
                str(folder.relative_to(data_dir)),
                f"is not named after a {ref.area.name} {ref.area.authority} or {ref.area.name}-wide body",
                "name each spend folder after its publisher, e.g. 'camden', 'E09000007', 'greater-london-authority' "
                "or 'tfl' (the region's authorities and bodies are listed in its boroughs.csv and london_bodies.csv, "
                "see docs/regions.md); run with --skip-bad-files to build without it",
            )
            if not skip_bad_files:
                raise error
            if rejected is not None:
                rejected.append((str(folder.relative_to(data_dir)), error))
            continue
        folders.append((folder, publisher))
    return folders


def resolve_publisher(ref: Reference, name_or_code: str) -> Publisher:
    """The region's authority or body a name, alias or code names; LotiDemandError when it names neither."""
    publisher = ref.publisher(name_or_code)
    if publisher is None:
        raise LotiDemandError(
            f"{name_or_code!r} is not a {ref.area.name} {ref.area.authority} or {ref.area.name}-wide body: give a "
            f"{ref.area.authority}'s name or GSS code "
            "(e.g. Camden or E09000007) or a body's name or code from data/reference/london_bodies.csv "
            "(e.g. 'Greater London Authority', GLA, TfL)"
        )
    return publisher


def data_files(folder: Path) -> list[Path]:
    # fetch_log.csv and *.malformed (a page an API fetch could not read) are the fetchers' records, not inputs.
    skip = {"mapping.csv", "readme.md", SAMPLE_MARKER.lower(), fetch_log.FILE_NAME}
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.name.lower() not in skip and p.suffix != ".malformed"
    )


def read_mapping(path: Path) -> dict[str, str] | None:
    """A per-borough mapping.csv (columns field,column) naming the council's column for each field."""
    if not path.is_file():
        return None
    with path.open(encoding="utf-8-sig", newline="") as fh:
        mapping = {r["field"].strip(): r["column"].strip() for r in csv.DictReader(fh) if r.get("field")}
    return validate_mapping(mapping, str(path))


def input_folders(
    data_dir: Path, folders: list[tuple[Path, Publisher]]
) -> Iterator[tuple[str, Path, Publisher | None, dict[str, str] | None, list[Path]]]:
    """The input files in the build's reading order, a folder at a time: (kind, folder, publisher, mapping, files)
    for each spend folder of `folders` (spend_folders), then procurement/ and challenges/. A spend folder's
    mapping.csv is read when the folder is reached, so one that cannot be used stops a build after the files before
    it were read. Both engines read in this order: the file ids follow it."""
    for folder, publisher in folders:
        yield "spend", folder, publisher, read_mapping(folder / "mapping.csv"), data_files(folder)
    for kind in ("procurement", "challenges"):
        if (data_dir / kind).is_dir():
            yield kind, data_dir / kind, None, None, data_files(data_dir / kind)
