"""Build the warehouse: load raw tables, run the models in order (order.py), check, then swap atomically.

Every build writes a new file beside the warehouse and moves it into place only when every model and
check has passed, so a failed or killed build leaves the previous warehouse byte-identical.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import os
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from loti_demand import __version__
from loti_demand.exceptions import (
    BuildCheckError,
    InputFileError,
    LotiDemandError,
    StrictModeError,
    WarehouseBusyError,
)
from loti_demand.normalise.tech_decisions import refinements
from loti_demand.reference import Publisher, Reference
from loti_demand.sources import fetch_log
from loti_demand.storage import explain
from loti_demand.warehouse.db import CHECKS_DIR, MODELS_DIR, connect, run_sql_file, scalar, step_sql
from loti_demand.warehouse.enrich import load_corrections
from loti_demand.warehouse.ingest import FileResult, ingest_file, reject_file
from loti_demand.warehouse.inputs import SAMPLE_MARKER, input_folders, resolve_publisher, spend_folders
from loti_demand.warehouse.order import REFERENCE_TABLES, models
from loti_demand.warehouse.raw_writer import RawWriter
from loti_demand.warehouse.read_ahead import read_ahead, read_spend_now
from loti_demand.warehouse.reference_checks import check_reference

KINDS = ("spend", "procurement", "challenges")
Progress = Callable[[str], None]


@dataclass
class BuildReport:
    warehouse: Path
    files: list[FileResult] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # (path, format, lines read, loaded, duplicate, quarantined, status, problem) for the files just added
    file_rows: list[tuple] = field(default_factory=list)
    spend_files: list[dict] = field(default_factory=list)  # source_files rows of the spend files just read
    # (path, when it was ingested) of each spend file that a file ingested again from its path replaced
    replaced: list[tuple[str, dt.datetime]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what the build did but an officer should know of

    def summary_rows(self) -> list[tuple[str, int]]:
        return list(self.counts.items())


def load_reference(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    """Copy the reference CSVs into ref_* tables (all text; marts cast them), the region's own from its folder: an
    optional file or column it leaves out is an empty table or NULLs. ref_refinements holds the pairs of categories
    where a broad heading takes its supplier's kind (tech_decisions.refinements); ref_manifest records the region."""
    for name in REFERENCE_TABLES:
        path, nulls = ref.path(name), [f"cast(null as varchar) as {c}" for c in ref.absent_columns(name)]
        if path.is_file():
            read = "from read_csv($path, all_varchar = true, header = true)"
            con.execute(
                f"create or replace table ref_{name} as select {', '.join(['*', *nulls])} {read}", {"path": str(path)}
            )
        else:
            con.execute(f"create or replace table ref_{name} as select {', '.join(nulls)} limit 0")
    con.execute("create or replace table ref_refinements (words_category varchar, supplier_category varchar)")
    if pairs := refinements(row["tech_category"] for row in ref.table("tech_categories")):
        con.executemany("insert into ref_refinements values (?, ?)", pairs)
    area = ref.area
    con.execute(
        "create or replace table ref_manifest as select $v as taxonomy_version, $r as region, $n as region_name, "
        "$a as authority_word",
        {"v": ref.taxonomy_version, "r": area.code, "n": area.name, "a": area.authority},
    )


def run_models(con: duckdb.DuckDBPyConnection, ref: Reference, progress: Progress | None = None) -> None:
    for model in models():
        if progress:
            progress(f"model {model.name}")
        try:
            model.run(con, ref)
        except duckdb.Error as exc:
            raise BuildCheckError(f"model {model.name} failed: {exc}") from exc


@dataclass
class CheckFailure:
    check: str
    rows: list[tuple]

    def __str__(self) -> str:
        shown = "; ".join(str(r) for r in self.rows[:5])
        more = f" (and {len(self.rows) - 5} more)" if len(self.rows) > 5 else ""
        return f"{self.check}: {len(self.rows)} failing row(s): {shown}{more}"


def run_checks(con: duckdb.DuckDBPyConnection) -> list[CheckFailure]:
    """Run every checks/*.sql; each selects the rows that break an invariant, so none means it passed."""
    failures = []
    for path in sorted(CHECKS_DIR.glob("*.sql")):
        rows = con.execute(path.read_text(encoding="utf-8")).fetchall()
        if rows:
            failures.append(CheckFailure(path.stem, rows))
    return failures


def check_names() -> list[str]:
    return [p.stem for p in sorted(CHECKS_DIR.glob("*.sql"))]


def remove_stale_builds(warehouse: Path) -> list[Path]:
    """Delete the temporary files of builds whose process is gone (killed, or the machine stopped), and any of
    this process's own; a build still running elsewhere keeps its file. Returns what was removed."""
    removed = []
    for leftover in warehouse.parent.glob(glob.escape(f".{warehouse.name}.building-") + "*"):
        pid = leftover.name.rsplit("-", 1)[-1].removesuffix(".wal")
        if pid.isdigit() and (int(pid) == os.getpid() or not _process_alive(int(pid))):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            removed.append(leftover)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


@contextlib.contextmanager
def new_version(warehouse: Path, *, start_from_existing: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection to a fresh copy; move it over `warehouse` only if the block succeeds.

    A full or read-only disk, or a damaged warehouse to start from, is an operator's error naming the file
    (storage.explain), raised after the copy is removed."""
    warehouse = Path(warehouse)
    tmp = warehouse.with_name(f".{warehouse.name}.building-{os.getpid()}")
    con = None
    stack = contextlib.ExitStack()
    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        stack.enter_context(_writing(warehouse))
        remove_stale_builds(warehouse)
        if start_from_existing:
            connect(warehouse, read_only=True).close()  # refuses a damaged file, or one that is not a warehouse
            shutil.copyfile(warehouse, tmp)
        con = connect(tmp)
        # One transaction, committed only by the raw writer after each bulk flush: per-statement commits would
        # cost a WAL flush each. Atomicity comes from the swap below, not from the transaction.
        con.execute("begin transaction")
        yield con
        con.execute("commit")
        con.execute("checkpoint")
        con.close()
        os.replace(tmp, warehouse)
    except BaseException as exc:
        if con is not None:
            with contextlib.suppress(duckdb.Error):
                con.close()
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        cause = exc.__cause__ if isinstance(exc, BuildCheckError) else exc  # a model that met the disk or damage
        problem = explain(cause, warehouse=warehouse) if isinstance(cause, Exception) else None
        if problem is not None:
            raise problem from exc
        raise
    finally:
        stack.close()


@contextlib.contextmanager
def _writing(warehouse: Path) -> Iterator[None]:
    """Hold the warehouse's write lock (a lock file beside it) for a build or ingest, or refuse at once,
    naming the process that holds it: two at once would each start from the old file, and the later swap would drop
    the other's lines without a word (found by a review). On a system without POSIX locks, no lock."""
    if sys.platform == "win32":
        yield
        return
    import fcntl  # POSIX only

    lock = warehouse.with_name(f".{warehouse.name}.lock")
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip() or "another process"
            os.close(fd)
            raise WarehouseBusyError(
                f"{warehouse}: another build or ingest (process {holder}) is writing this warehouse; "
                "run this again when it has finished"
            ) from None
        try:  # the lock file is removed when released: locked after its holder removed it, it is stale
            if os.fstat(fd).st_ino == os.stat(lock).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(fd)  # closing the file releases the lock


def ingest_folder(con, data_dir: Path, ref: Reference, *, skip_bad_files: bool, progress: Progress | None) -> list:
    writer = RawWriter(con, commit_each_flush=True)
    results: list[FileResult] = []
    rejected: list[tuple[str, InputFileError]] = []
    folders = spend_folders(data_dir, ref, skip_bad_files=skip_bad_files, rejected=rejected)
    for name, error in rejected:
        results.append(reject_file(writer, "spend", name, error, what="folder"))
    for kind, _, publisher, mapping, paths in input_folders(data_dir, folders):

        def read(path: Path, mapping=mapping) -> list:
            return read_spend_now(path, name=str(path.relative_to(data_dir)), mapping=mapping)

        # Spend files are parsed in threads ahead of the one being loaded; notices and challenges as they come.
        for path, reader in read_ahead(paths, read) if kind == "spend" else ((path, None) for path in paths):
            if progress:
                progress(f"reading {path.relative_to(data_dir)}")
            results += ingest_file(
                writer,
                kind,
                path,
                name=str(path.relative_to(data_dir)),
                publisher=publisher,
                mapping=mapping,
                skip_bad_files=skip_bad_files,
                progress=progress,
                read=reader,
            )
    writer.flush()
    return results


def record_build(con: duckdb.DuckDBPyConnection, *, is_sample: bool) -> None:
    """ref_build: this build's time (the models judge dates against it), version and whether it is the sample."""
    con.execute(
        "create or replace table ref_build as select $s as is_sample, $v as version, $t as built_at",
        {"s": is_sample, "v": __version__, "t": dt.datetime.now(dt.UTC).replace(tzinfo=None)},
    )


def _finish(con, ref: Reference, *, strict: bool, is_sample: bool, progress: Progress | None) -> dict[str, int]:
    record_build(con, is_sample=is_sample)
    run_models(con, ref, progress)
    return verify(con, strict=strict)


def unmatched_line_corrections(con: duckdb.DuckDBPyConnection, ref: Reference) -> list[str]:
    """A warning for each line correction (classification_corrections.csv, kind line) that names no loaded spend line:
    the build goes on (a file renamed or not yet ingested should not stop it), but says which row corrected nothing."""
    lines = load_corrections(ref.folder).lines
    if not lines:
        return []
    params = {k: [line[c] for line in lines] for k, c in _LINE_COLUMNS.items()}
    name = ref.folder / "classification_corrections.csv"
    return [
        f"{name} row {number}: no loaded spend line is {file}:{row}, so it corrects nothing; "
        + (
            f"that file has {count:,} loaded lines, check the row number"
            if count
            else "no loaded file has that path (as source_files.path gives it): check the path"
        )
        for number, file, row, count in con.execute(step_sql("unmatched_line_corrections"), params).fetchall()
    ]


_LINE_COLUMNS = {"correction_rows": "correction_row", "files": "source_file", "rows": "source_row"}


def verify(con: duckdb.DuckDBPyConnection, *, strict: bool) -> dict[str, int]:
    """Run the checks on a built warehouse (BuildCheckError when any fails) and return the build's counts;
    with `strict`, a quarantined line or file is a StrictModeError. Both engines' builds end here."""
    failures = run_checks(con)
    if failures:
        raise BuildCheckError(
            "model checks failed, the warehouse was not replaced:\n  " + "\n  ".join(str(f) for f in failures)
        )
    counts = dict(con.execute(step_sql("build_counts")).fetchall())
    # Totals rows are quarantined by design (they would count money twice), so they do not fail --strict.
    quarantined = (
        counts["spend lines quarantined"]
        - counts["spend totals rows excluded"]
        + counts["challenges rejected"]
        + counts["files rejected"]
        + counts["notices quarantined"]
    )
    if strict and quarantined:
        raise StrictModeError(
            f"--strict: {quarantined} line(s) or file(s) were quarantined; see load_issues "
            "(run without --strict to build anyway, then query load_issues)"
        )
    return counts


def build(
    data_dir: Path,
    warehouse: Path,
    *,
    strict: bool = False,
    skip_bad_files: bool = False,
    progress: Progress | None = None,
    reference: Reference | None = None,
) -> BuildReport:
    """Build a new warehouse from a data folder and put it in place atomically."""
    data_dir, warehouse = Path(data_dir), Path(warehouse)
    if not data_dir.is_dir():
        raise LotiDemandError(f"{data_dir}: no such data folder (expected spend/, procurement/, challenges/)")
    ref = reference or Reference()
    models()  # models that cannot be put in order fail before any file is read
    check_reference(ref)  # and reference files an officer mistyped
    report = BuildReport(warehouse)
    with new_version(warehouse, start_from_existing=False) as con:
        run_sql_file(con, MODELS_DIR / "raw.sql")
        load_reference(con, ref)
        fetch_log.load(con, data_dir)
        report.files = ingest_folder(con, data_dir, ref, skip_bad_files=skip_bad_files, progress=progress)
        is_sample = (data_dir / SAMPLE_MARKER).is_file()
        report.counts = _finish(con, ref, strict=strict, is_sample=is_sample, progress=progress)
        report.warnings = unmatched_line_corrections(con, ref)
        report.spend_files = file_summaries(con, report.files)
    return report


def add_files(
    warehouse: Path,
    kind: str,
    files: Sequence[Path],
    *,
    publisher: Publisher | str | None = None,
    mapping: dict[str, str] | None = None,
    strict: bool = False,
    skip_bad_files: bool = False,
    progress: Progress | None = None,
    reference: Reference | None = None,
    before_models: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> BuildReport:
    """Add files to an existing warehouse (or a new one), with the same atomicity as build.

    Spend files need their publisher: a Publisher, or a borough or London-wide body's name, alias or code.
    `before_models` runs in the same transaction once the files are loaded (fetch records its log there)."""
    warehouse = Path(warehouse)
    ref = reference or Reference()
    if isinstance(publisher, str):
        publisher = resolve_publisher(ref, publisher)
    models()  # models that cannot be put in order fail before any file is read
    check_reference(ref)  # and reference files an officer mistyped
    report = BuildReport(warehouse)
    with new_version(warehouse, start_from_existing=warehouse.exists()) as con:
        run_sql_file(con, MODELS_DIR / "raw.sql")
        _same_region(con, ref, warehouse)
        load_reference(con, ref)
        was_sample = _has_table(con, "ref_build") and bool(scalar(con, "select is_sample from ref_build"))
        writer = RawWriter(con, commit_each_flush=True)
        files = list(dict.fromkeys(str(path) for path in files))  # a file named twice is read once
        if kind == "spend":
            report.replaced = writer.forget_spend_files(files, publisher.code if publisher else None)
        for path in files:
            if progress:
                progress(f"reading {path}")
            report.files += ingest_file(
                writer,
                kind,
                Path(path),
                name=str(path),
                publisher=publisher,
                mapping=mapping,
                skip_bad_files=skip_bad_files,
                progress=progress,
            )
        writer.flush()
        if before_models:
            before_models(con)
        report.counts = _finish(con, ref, strict=strict, is_sample=was_sample, progress=progress)
        report.warnings = unmatched_line_corrections(con, ref)
        report.file_rows = con.execute(
            "select path, detected_format, lines_read, rows_loaded, rows_duplicate, rows_quarantined, status, problem "
            "from source_files where ingested_at = $now",
            {"now": writer.now},
        ).fetchall()
        report.spend_files = file_summaries(con, report.files)
    return report


def file_summaries(con, files: Sequence[FileResult]) -> list[dict]:
    """The source_files rows of the spend files just read, in reading order, for the per-file summary."""
    ids = [f.file_id for f in files if f.file_id is not None and f.kind == "spend"]
    if not ids:
        return []
    cursor = con.execute(
        "select path, kind, detected_format, encoding, lines_read, rows_loaded, rows_duplicate, rows_quarantined, "
        "rows_totals, total_amount_gbp, status, problem from source_files where file_id in (select unnest($ids)) "
        "order by file_id",
        {"ids": ids},
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _has_table(con, name: str) -> bool:
    return bool(scalar(con, "select count(*) from information_schema.tables where table_name = $n", {"n": name}))


def _same_region(con, ref: Reference, warehouse: Path) -> None:
    """Files are added only to a warehouse of the region the setting names (one built before regions existed is
    London's); otherwise its publishers would be read with another region's reference data."""
    if not _has_table(con, "ref_manifest"):
        return  # a new warehouse
    columns = "select count(*) from information_schema.columns where table_name = 'ref_manifest' and column_name = $c"
    built = scalar(con, "select region from ref_manifest") if scalar(con, columns, {"c": "region"}) else "london"
    if built != ref.area.code:
        raise LotiDemandError(
            f"{warehouse} was built for the region {built!r}, but the setting region is {ref.area.code!r}: set "
            f"LOTI_DEMAND_REGION={built} to add files to it, or build a new warehouse for {ref.area.code!r}"
        )
