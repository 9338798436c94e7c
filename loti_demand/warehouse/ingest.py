"""Load input files into the raw tables, recording each file in raw_source_files.

Rows are buffered by the RawWriter (raw_writer.py) and written in bulk. A file that cannot be read at all raises
InputFileError (the build stops, the warehouse is untouched), unless skip_bad_files is set: then it is
recorded as rejected, with its problem in raw_load_issues.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from loti_demand.exceptions import InputFileError
from loti_demand.reference import Publisher
from loti_demand.sources import READERS
from loti_demand.sources.challenges import CHALLENGE_FIELDS
from loti_demand.sources.council_spend import SkippedMember
from loti_demand.sources.limits import TOO_DEEP, TOO_DEEP_HINT
from loti_demand.warehouse.raw_writer import FLUSH_BYTES, SCHEMAS, RawWriter

OCDS_BATCH = 2_000
Progress = Callable[[str], None]


@dataclass
class FileResult:
    path: str
    kind: str
    detected_format: str | None
    lines_read: int
    status: str = "loaded"
    problem: str | None = None
    file_id: int | None = None


def ingest_file(
    writer: RawWriter,
    kind: str,
    path: Path,
    *,
    name: str | None = None,
    publisher: Publisher | None = None,
    mapping: dict[str, str] | None = None,
    skip_bad_files: bool = False,
    progress: Progress | None = None,
    read: Callable[[], list] | None = None,
) -> list[FileResult]:
    """Read one file with the reader registered for `kind` (or call `read`, a reader already started by
    read_ahead) and buffer its rows for the raw tables. Spend files belong to a publisher (a borough or a
    London-wide body)."""
    name = name or str(path)
    try:
        kwargs = {"mapping": mapping} if kind == "spend" else {}
        tables = read() if read else READERS[kind](path, name=name, **kwargs)
        if kind == "spend":
            return [_spend(writer, table, publisher, progress) for table in tables]
        loader = {"procurement": _ocds, "challenges": _challenges}[kind]
        return [loader(writer, table) for table in tables]
    except InputFileError as exc:
        if not skip_bad_files:
            raise
        return [reject_file(writer, kind, name, exc, publisher=publisher)]


def reject_file(
    writer: RawWriter,
    kind: str,
    name: str,
    exc: InputFileError,
    *,
    what: str = "file",
    publisher: Publisher | None = None,
) -> FileResult:
    """Record a file (or a whole folder) that could not be read, with its problem, in raw_source_files and
    raw_load_issues (--skip-bad-files)."""
    file_id = writer.new_file_id()
    writer.add_row(
        "raw_source_files",
        file_id=file_id,
        path=name,
        kind=kind,
        lines_read=0,
        status="rejected",
        problem=exc.problem,
        ingested_at=writer.now,
        **_publisher_columns(publisher),
    )
    hint = f" ({exc.hint})" if exc.hint else ""
    writer.add_row("raw_load_issues", source_file=name, problem=f"{what} rejected: {exc.problem}{hint}")
    return FileResult(name, kind, None, 0, "rejected", exc.problem, file_id)


def _publisher_columns(publisher: Publisher | None) -> dict[str, str | None]:
    if publisher is None:
        return {"borough_code": None, "publisher_code": None}
    return {"borough_code": publisher.borough_code, "publisher_code": publisher.code}


def _file_row(writer: RawWriter, file_id: int, kind: str, table, publisher: Publisher | None, lines: int, **extra):
    writer.add_row(
        "raw_source_files",
        file_id=file_id,
        path=table.source_file,
        sha256=table.sha256,
        kind=kind,
        detected_format=table.detected_format,
        lines_read=lines,
        status="loaded",
        ingested_at=writer.now,
        **_publisher_columns(publisher),
        **extra,
    )


def _spend(writer: RawWriter, table, publisher: Publisher | None, progress: Progress | None = None) -> FileResult:
    """Buffer one spend table. Its rows reach the writer only once the whole file has been read, so a file
    that fails part-way (and is skipped with --skip-bad-files) leaves no rows behind."""
    if isinstance(table, SkippedMember):
        return _skipped(writer, table, publisher)
    file_id = writer.new_file_id()
    schema = SCHEMAS["raw_spend"]
    read: list[pa.Table] = []
    for batch in table.batches():
        ids = pa.repeat(pa.scalar(file_id, schema.field("file_id").type), batch.num_rows)
        read.append(pa.table([ids, *batch.columns], schema=schema))
        if progress and (len(read) > 1 or (table.expected_lines or 0) > PROGRESS_LINES):
            progress(_progress_line(table))
    for chunk in read:
        writer.add("raw_spend", chunk)
    _file_row(
        writer,
        file_id,
        "spend",
        table,
        publisher,
        table.lines_read,
        encoding=table.encoding,
        header_row=table.header_row,
        column_mapping=json.dumps(table.mapping),
    )
    return FileResult(table.source_file, "spend", table.detected_format, table.lines_read, file_id=file_id)


def _skipped(writer: RawWriter, member: SkippedMember, publisher: Publisher | None) -> FileResult:
    """An archive member that is not a spend file: a source_files row (status 'skipped') and a load issue."""
    file_id = writer.new_file_id()
    writer.add_row(
        "raw_source_files",
        file_id=file_id,
        path=member.source_file,
        kind="spend",
        detected_format=member.detected_format,
        lines_read=0,
        status="skipped",
        problem=member.problem,
        ingested_at=writer.now,
        **_publisher_columns(publisher),
    )
    writer.add_row("raw_load_issues", source_file=member.source_file, problem=f"archive member {member.problem}")
    return FileResult(member.source_file, "spend", member.detected_format, 0, "skipped", member.problem, file_id)


PROGRESS_LINES = 100_000


def _progress_line(table) -> str:
    """'spend.csv: 400,000 of ~1,000,000 lines [########............] 40%'."""
    done, expected = table.lines_read, table.expected_lines
    if not expected:
        return f"{table.source_file}: {done:,} lines read"
    share = min(1.0, done / expected)
    bar = "#" * round(share * 20) + "." * (20 - round(share * 20))
    approx = "" if table.parser == "fast" else "~"
    return f"{table.source_file}: {done:,} of {approx}{expected:,} lines [{bar}] {share:.0%}"


def _ocds(writer: RawWriter, ocds_file) -> FileResult:
    """Stream an OCDS file's releases into raw_ocds_releases in batches; items that are not releases go in too,
    with their problem, so the build quarantines and counts them. A file found malformed part-way is
    forgotten entirely before the error goes on."""
    file_id = writer.new_file_id()
    names = SCHEMAS["raw_ocds_releases"].names
    columns: dict[str, list] = {name: [] for name in names}
    size = 0

    def add_batch() -> None:
        nonlocal columns, size
        n = len(columns["source_row"])
        columns.update(file_id=[file_id] * n, source_file=[ocds_file.source_file] * n, ingested_at=[writer.now] * n)
        writer.add("raw_ocds_releases", columns, nbytes=size)
        columns, size = {name: [] for name in names}, 0

    try:
        for item in ocds_file.releases:
            columns["source_row"].append(item.position)
            columns["ocid"].append(item.ocid)
            columns["release_id"].append(item.release_id)
            columns["release_date"].append(item.date)
            columns["release_json"].append(_storable_json(item))
            columns["problem"].append(item.problem)
            size += len(item.text)
            if len(columns["source_row"]) >= OCDS_BATCH or size >= FLUSH_BYTES:
                add_batch()
    except InputFileError:
        writer.discard("raw_ocds_releases", file_id)
        raise
    except RecursionError as exc:  # JSON nested deeper than the parser allows
        writer.discard("raw_ocds_releases", file_id)
        raise InputFileError(ocds_file.source_file, TOO_DEEP, TOO_DEEP_HINT) from exc
    add_batch()
    _file_row(writer, file_id, "procurement", ocds_file, None, ocds_file.lines_read, encoding=ocds_file.encoding)
    return FileResult(
        ocds_file.source_file, "procurement", ocds_file.detected_format, ocds_file.lines_read, file_id=file_id
    )


_CONTROL = re.compile(r"[\x00-\x1f]")
_STRICT = json.JSONDecoder(strict=True)


def _storable_json(item) -> str:
    """The release's text as published, unless a string in it holds a raw control character (a tab or newline
    typed into a title, a stray NUL): the reader accepts those, DuckDB's JSON type does not, so such a release
    is stored re-serialised (the same value, with the characters escaped)."""
    text = item.text
    if not _CONTROL.search(text):
        return text
    try:
        _STRICT.decode(text)
    except ValueError:
        try:
            return json.dumps(json.loads(text, strict=False), ensure_ascii=False)
        except ValueError:  # not JSON at all (a quarantined item): keep its text as a JSON string
            return json.dumps(text, ensure_ascii=False)
    return text


def _challenges(writer: RawWriter, challenge_file) -> FileResult:
    file_id = writer.new_file_id()
    columns: dict[str, list] = {name: [] for name in SCHEMAS["raw_challenges"].names}
    for number, row in challenge_file.rows:
        columns["source_row"].append(number)
        for fld in (*CHALLENGE_FIELDS, "schema_problems"):
            columns[fld].append(row.get(fld))
    n = len(columns["source_row"])
    columns.update(file_id=[file_id] * n, source_file=[challenge_file.source_file] * n, ingested_at=[writer.now] * n)
    writer.add("raw_challenges", columns)
    _file_row(writer, file_id, "challenges", challenge_file, None, n, header_row=1)
    return FileResult(challenge_file.source_file, "challenges", challenge_file.detected_format, n, file_id=file_id)
