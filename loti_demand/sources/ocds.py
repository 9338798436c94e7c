"""Read OCDS releases from release packages, record packages, single releases, JSON arrays and JSON Lines
(optionally gzipped), yielding each release with its position in the file."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from loti_demand.exceptions import InputFileError
from loti_demand.sources.limits import TOO_DEEP, TOO_DEEP_HINT


@dataclass
class OcdsFile:
    source_file: str
    sha256: str
    detected_format: str
    releases: list[tuple[int, dict]] = field(default_factory=list)
    package: dict = field(default_factory=dict)


def read_ocds(path: Path, *, name: str | None = None) -> list[OcdsFile]:
    name = name or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(name, f"cannot be opened ({exc.strerror or exc})") from exc
    sha = hashlib.sha256(data).hexdigest()
    gz = data[:2] == b"\x1f\x8b"
    if gz:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputFileError(name, "is not a readable gzip file", "re-download it") from exc
    text = _decode(data, name)
    shape, package, releases = _parse(text, name)
    return [OcdsFile(name, sha, ("gzip/" if gz else "") + shape, list(releases), package)]


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(name, f"is not UTF-8 JSON (byte {exc.start})", "OCDS files must be UTF-8 JSON") from exc


def _parse(text: str, name: str) -> tuple[str, dict, Iterator[tuple[int, dict]]]:
    stripped = text.strip()
    if not stripped:
        raise InputFileError(name, "is empty", "expected an OCDS release package, record package or releases")
    try:
        doc = json.loads(stripped)
    except json.JSONDecodeError:
        return "json-lines", {}, _json_lines(stripped, name)
    except RecursionError as exc:
        raise InputFileError(name, TOO_DEEP, TOO_DEEP_HINT) from exc
    return _shape(doc, name)


def _json_lines(text: str, name: str) -> Iterator[tuple[int, dict]]:
    releases = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(name, f"line {number} is not valid JSON ({exc.msg})", "check the file") from exc
        except RecursionError as exc:
            raise InputFileError(name, f"line {number} {TOO_DEEP}", TOO_DEEP_HINT) from exc
        _, _, items = _shape(doc, name)
        releases.extend((number, r) for _, r in items)
    return iter(releases)


def _shape(doc: object, name: str) -> tuple[str, dict, Iterator[tuple[int, dict]]]:
    if isinstance(doc, list):  # every item is passed on: one that is not a release is refused by position
        return "release-array", {}, iter(enumerate(doc, start=1))
    if not isinstance(doc, dict):
        raise InputFileError(name, "is JSON but not an OCDS object", "expected a release or record package")
    package = {k: v for k, v in doc.items() if k not in {"releases", "records"}}
    if isinstance(doc.get("releases"), list):
        return "release-package", package, iter(enumerate(doc["releases"], start=1))
    if isinstance(doc.get("records"), list):
        return "record-package", package, iter(_record_releases(doc["records"]))
    if "ocid" in doc:
        return "release", {}, iter([(1, doc)])
    raise InputFileError(
        name, "is JSON but has no 'releases', 'records' or 'ocid'", "expected OCDS 1.1 release or record packages"
    )


def _record_releases(records: list) -> Iterator[tuple[int, dict]]:
    position = 0
    for record in records:
        if not isinstance(record, dict):
            continue
        for release in record.get("releases") or []:
            position += 1
            if isinstance(release, dict) and "ocid" in release:
                yield position, release
        if not record.get("releases") and isinstance(record.get("compiledRelease"), dict):
            position += 1
            yield position, record["compiledRelease"]
