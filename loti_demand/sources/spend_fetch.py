"""The spend harvester: list each publisher's files, download the new or changed ones into DIR/spend/<publisher>/.

Files from the web are hostile until read: every download is capped in size and time, and its first bytes decide
what it is (an HTML error page served as .csv is refused). A file that changed upstream replaces the old one only
after the old one is moved to DIR/spend/.superseded/<publisher>/ (the build skips folders starting with a dot);
nothing is ever deleted. Each file's URL, time and sha256 go in DIR/spend/fetch_log.csv, which also holds the
ETag and Last-Modified for the next conditional GET, so a harvest interrupted anywhere resumes where it stopped.

No publisher can hold a harvest for long: past its time limit (FetchPolicy.max_publisher_minutes, the setting
fetch_max_minutes_per_publisher) its files not yet tried are logged as not tried, and so are the files of a host
whose last max_host_failures files all failed; the next harvest tries them again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import zipfile
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from loti_demand import config
from loti_demand.exceptions import FetchError
from loti_demand.sources import fetch_log
from loti_demand.sources.detect import looks_html
from loti_demand.sources.http import Body, Client, Disallowed, FetchPolicy, Unreachable
from loti_demand.sources.limits import MAX_ARCHIVE_MEMBERS, declared_members
from loti_demand.sources.spend_listing import Link, list_files
from loti_demand.sources.spend_sources import SpendSource
from loti_demand.sources.spreadsheets import odf_kind

LOG = fetch_log.LOGS[0]
SUPERSEDED = ".superseded"
PARTIAL = ".partial-"
KEPT = ("new", "changed", "renamed", "unchanged")  # file rows that describe what a URL now holds
NOT_TRIED = "not tried"  # a file left for the next harvest: its publisher's time was up, or its host kept failing
NOT_KEPT = ("refused", "disallowed", "failed")  # files tried and not kept: each is shown with its problem
SUFFIXES = (".csv", ".xlsx", ".xls", ".ods", ".zip")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Names the build reads as something other than a spend file: a download never takes them.
RESERVED = {"mapping.csv", "readme.md", "sample.md", fetch_log.FILE_NAME}
GENERIC_NAME = re.compile(r"(?i)^((download|file|view|get|content|data|index|resource|document)[-_.]?\d*)?$")


@dataclass
class FileOutcome:
    url: str
    status: str  # new | changed | renamed | unchanged | refused | disallowed | failed | not tried
    path: str | None = None  # relative to the data folder
    sha256: str | None = None
    size: int | None = None
    problem: str | None = None


@dataclass
class PublisherResult:
    source: SpendSource
    status: str = "ok"  # ok | failed | skipped
    problem: str | None = None
    pages: int = 0
    listed: int = 0
    files: list[FileOutcome] = field(default_factory=list)
    unreachable: bool = False

    def count(self, *statuses: str) -> int:
        return sum(f.status in statuses for f in self.files)

    def line(self) -> str:
        name = self.source.publisher
        if self.status != "ok":
            return f"{name}: {self.status}: {self.problem}"
        counts = ", ".join(
            f"{self.count(s)} {s}"
            for s in ("new", "changed", "renamed", "refused", "disallowed", "failed", NOT_TRIED)
            if self.count(s)
        )
        problem = f" (listing: {self.problem})" if self.problem else ""
        return f"{name}: {self.listed} file(s) listed on {self.pages} page(s); {counts or 'nothing new'}{problem}"

    def not_tried(self) -> list[str]:
        """Why files were left for the next harvest, a line per reason with how many ("2,990 file(s) not tried:
        the publisher's time limit of 30 minutes was reached")."""
        reasons = Counter(f.problem for f in self.files if f.status == NOT_TRIED)
        return [f"{n:,} file(s) {reason}" for reason, n in reasons.items()]

    def problem_lines(self, log: Path | str, most: int = 5) -> list[str]:
        """One line per file not kept, with its URL and problem, at most `most` of them (then how many more and
        where the fetch log is), then the files not tried, a line per reason."""
        lines = [f"{f.url}: {f.status}: {_without_url(f.problem, f.url)}" for f in self.files if f.status in NOT_KEPT]
        if len(lines) > most:
            lines[most:] = [f"and {len(lines) - most:,} more: see {log}"]
        return lines + self.not_tried()


@dataclass
class HarvestResult:
    publishers: list[PublisherResult] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(p.count(*statuses) for p in self.publishers)

    @property
    def new_paths(self) -> list[str]:
        return [f.path for p in self.publishers for f in p.files if f.status in ("new", "changed") and f.path]

    @property
    def attempted(self) -> list[PublisherResult]:
        return [p for p in self.publishers if p.status != "skipped"]

    @property
    def offline(self) -> bool:
        """True when no publisher that was tried could be reached at all."""
        return bool(self.attempted) and all(p.unreachable for p in self.attempted)

    def summary(self) -> str:
        failed = [p for p in self.attempted if p.status == "failed"]
        skipped = len(self.publishers) - len(self.attempted)
        problems = self.count(*NOT_KEPT)
        not_tried = f", {self.count(NOT_TRIED)} not tried" if self.count(NOT_TRIED) else ""
        return (
            f"{self.count('new')} new file(s), {self.count('changed')} changed, {self.count('renamed')} renamed "
            f"(same content as a file kept), {problems} not kept{not_tried}; {len(self.attempted) - len(failed)} of "
            f"{len(self.attempted)} publisher(s) listed"
            + (f", {skipped} with no listing in the registry" if skipped else "")
        )


def _without_url(problem: str | None, url: str) -> str:
    """A file's problem without the URL most problems start with (the line shows it already)."""
    problem = problem or "no reason recorded"
    return problem[len(url) + 2 :] if problem.startswith(f"{url}: ") else problem


def unexpected(exc: BaseException, others: str) -> str:
    """One line for a failure no check foresaw (a bug) in one publisher or source: the `others` still run."""
    return (
        f"failed unexpectedly ({type(exc).__name__}: {str(exc)[:200]}); this is a bug, please report it "
        f"(LOTI_DEMAND_DEBUG=1 shows where). The other {others} were still fetched"
    )


def harvest(
    data_dir: Path,
    sources: list[SpendSource],
    *,
    policy: FetchPolicy | None = None,
    client: Client | None = None,
    progress: Callable[[PublisherResult], None] | None = None,
) -> HarvestResult:
    """Fetch every source's new and changed files into DIR/spend/<publisher>/. A publisher that fails never
    stops the others; its failure is in the result and the fetch log."""
    data_dir = Path(data_dir)
    refuse_sample(data_dir)
    client = client or Client(policy or FetchPolicy())
    state = _State(data_dir)
    result = HarvestResult()
    for source in sources:
        try:
            outcome = _harvest_one(client, state, source)
        except OSError:  # the data folder cannot be written (a file in its path, a full disk): one line from the CLI
            raise
        except Exception as exc:  # one publisher failing never stops the others
            if config.get("debug"):  # LOTI_DEMAND_DEBUG=1: the traceback, for a bug report
                raise
            outcome = PublisherResult(source, "failed", unexpected(exc, "publishers"))
        result.publishers.append(outcome)
        if progress:
            progress(outcome)
    return result


def refuse_sample(data_dir: Path) -> None:
    """Real downloads never go into the synthetic sample (a folder with warehouse.build's SAMPLE.md marker)."""
    if (data_dir / "SAMPLE.md").is_file():
        raise FetchError(
            f"{data_dir} is the synthetic sample (it has SAMPLE.md): fetch into another folder, e.g. --data data/real"
        )


def _harvest_one(client: Client, state: _State, source: SpendSource) -> PublisherResult:
    result = PublisherResult(source)
    if not source.listing_type:
        result.status, result.problem = "skipped", "no listing_type in the registry (see its notes)"
        return result
    folder = state.data_dir / "spend" / source.folder
    for leftover in folder.glob(PARTIAL + "*"):  # downloads an interruption cut short
        leftover.unlink()
    started = fetch_log.now()
    minutes = client.policy.max_publisher_minutes
    deadline = client.policy.clock() + minutes * 60
    client.deadline, client.deadline_reason = deadline, f"the publisher's time limit of {minutes:g} minutes"
    client.deadline_reached = False
    try:
        listing = list_files(client, source)
    except FetchError as exc:
        result.status, result.problem, result.unreachable = "failed", str(exc), isinstance(exc, Unreachable)
    else:
        result.pages, result.listed = listing.pages, len(listing.files)
        result.problem = "; ".join(listing.problems)[:1000] or None
        for link in listing.files:
            if client.deadline_reached or client.policy.clock() >= deadline:
                reason = f"the publisher's time limit of {minutes:g} minutes was reached"
            else:
                reason = state.failing(link.url, client.policy.max_host_failures)
            if reason:
                outcome = state.record(source, FileOutcome(link.url, NOT_TRIED, problem=f"not tried: {reason}"))
            else:
                outcome = _fetch_file(client, state, source, folder, link)
                state.tried(link.url, outcome.status)
            result.files.append(outcome)
    finally:
        client.deadline, client.deadline_reason, client.deadline_reached = None, "", False
    state.log(
        {
            "source": "spend",
            "fetched_at": started,
            "publisher": source.publisher,
            "url": source.listing_url,
            "pages": result.pages,
            "files": result.listed,
            "status": result.status,
            "problem": "; ".join(filter(None, [result.problem, *result.not_tried()])) or None,
        }
    )
    return result


def _fetch_file(client: Client, state: _State, source: SpendSource, folder: Path, link: Link) -> FileOutcome:
    known = state.latest(link.url)
    headers = {}
    if known and (state.data_dir / known["path"]).is_file():
        headers = {
            k: v for k, v in (("If-None-Match", known["etag"]), ("If-Modified-Since", known["last_modified"])) if v
        }
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (PARTIAL + hashlib.sha1(link.url.encode()).hexdigest()[:12])
    try:
        body = client.get(link.url, headers=headers, to_file=partial)
    except FetchError as exc:
        partial.unlink(missing_ok=True)
        status = "disallowed" if isinstance(exc, Disallowed) else "failed"
        return state.record(source, FileOutcome(link.url, status, problem=str(exc)))
    if body.status == 304 and not headers:  # "not modified" since... nothing: we asked for the file, not a check
        problem = (
            f"{link.url}: the server answered 304 Not Modified to a plain request (no copy of the file is kept "
            "to compare with), so nothing was downloaded; try again later, or tell the publisher"
        )
        return state.record(source, FileOutcome(link.url, "failed", problem=problem))
    if body.status == 304:
        return FileOutcome(link.url, "unchanged", known["path"], known["sha256"])
    suffix, problem = sniff(partial)
    if problem:
        partial.unlink()
        claimed = Path(urlsplit(link.url).path).suffix.lower()
        served = f"served as {claimed} but " if claimed in SUFFIXES else ""
        return state.record(
            source,
            FileOutcome(link.url, "refused", None, body.sha256, body.size, f"{served}{problem}; not kept"),
            body.headers,
        )
    return _place(state, source, folder, link, partial, suffix, body, known)


def _place(
    state: _State,
    source: SpendSource,
    folder: Path,
    link: Link,
    partial: Path,
    suffix: str,
    body: Body,
    known: dict[str, str] | None,
) -> FileOutcome:
    """Keep the downloaded file (or not, when its content is already kept), moving any old version aside."""
    outcome = FileOutcome(link.url, "new", None, body.sha256, body.size)
    if known and (state.data_dir / known["path"]).is_file() and known["sha256"] == body.sha256:
        partial.unlink()
        outcome.status, outcome.path = "unchanged", known["path"]
        changed_validators = (body.headers.get("ETag", ""), body.headers.get("Last-Modified", "")) != (
            known["etag"],
            known["last_modified"],
        )
        return state.record(source, outcome, body.headers) if changed_validators else outcome
    same = state.kept.get((source.folder, body.sha256))
    if same and (state.data_dir / same).is_file():
        partial.unlink()
        outcome.status, outcome.path = "renamed", same
        outcome.problem = f"same content as {same}, already kept; not saved again"
        return state.record(source, outcome, body.headers)
    # Only the URL's own file is replaced: a renamed URL's content belongs to the file it matched.
    old = state.data_dir / known["path"] if known and state.owners.get(known["path"]) == link.url else None
    if old and old.is_file():
        outcome.status = "changed"
        outcome.problem = f"the previous version was kept as {state.relative(supersede(state.data_dir, old))}"
        target = old.with_suffix(suffix)
    else:
        target = folder / file_name(link, suffix)
    target = _free_name(state.data_dir, target, link.url, body.sha256)
    if target.exists():  # the same bytes, placed by a harvest interrupted before it could log them
        partial.unlink()
    else:
        os.replace(partial, target)
    outcome.path = state.relative(target)
    return state.record(source, outcome, body.headers)


def _free_name(data_dir: Path, target: Path, url: str, sha256: str) -> Path:
    """The target when free or already holding exactly these bytes, else the name with the URL's hash added;
    a file still in the way is moved aside, never overwritten."""
    if target.exists() and _sha256(target) != sha256:
        target = target.with_name(f"{target.stem}-{hashlib.sha1(url.encode()).hexdigest()[:8]}{target.suffix}")
        if target.exists() and _sha256(target) != sha256:
            supersede(data_dir, target)
    return target


def supersede(data_dir: Path, path: Path) -> Path:
    """Move a kept file to DIR/spend/.superseded/<publisher>/<time>_<name>, where the build does not read it."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = data_dir / "spend" / SUPERSEDED / path.parent.name / f"{stamp}_{path.name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(path, target)
    return target


def file_name(link: Link, suffix: str) -> str:
    """A safe, readable file name for a download: the URL's last segment, or, when that says nothing
    ('download', '1234'), the link's text with a short hash of the URL."""
    stem = _safe(_without_suffix(unquote(urlsplit(link.url).path.rstrip("/").rsplit("/", 1)[-1])))
    if GENERIC_NAME.match(stem):
        stem = f"{_safe(_without_suffix(link.text)) or 'file'}-{hashlib.sha1(link.url.encode()).hexdigest()[:8]}"
    name = stem[:100].rstrip(".-_") + suffix
    return f"{stem[:90]}-file{suffix}" if name.lower() in RESERVED else name


def _without_suffix(name: str) -> str:
    return name[: -len(Path(name).suffix)] if Path(name).suffix.lower() in (*SUFFIXES, ".ashx") else name


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip(".-_")


def sniff(path: Path) -> tuple[str, str | None]:
    """(suffix, problem): what the bytes are, .csv, .xlsx, .xls, .ods or .zip, or why they are not a spend file."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    if not head.strip():
        return "", "the file is empty"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with path.open("rb") as fh:
                members = declared_members(fh)
            if members is not None and members > MAX_ARCHIVE_MEMBERS:
                return "", f"an archive of {members:,} members, more than the {MAX_ARCHIVE_MEMBERS:,} the build reads"
            with zipfile.ZipFile(path) as archive:
                names, odf = archive.namelist(), odf_kind(archive)
        except (zipfile.BadZipFile, OSError, ValueError):
            return "", "a damaged ZIP archive"
        if odf:  # an OpenDocument file names its type
            return (".ods", None) if odf == "ods" else ("", "an OpenDocument file that is not a spreadsheet")
        if "[Content_Types].xml" in names:
            return (
                (".xlsx", None)
                if any(n.startswith("xl/") for n in names)
                else ("", "an Office document that is not a spreadsheet")
            )
        return ".zip", None
    if head.startswith(OLE2):
        return ".xls", None
    if head.startswith(b"%PDF"):
        return "", "a PDF, not a data file"
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    if b"\x00" in head and not utf16:
        return "", "binary data of an unknown kind, not CSV, XLSX, XLS, ODS or ZIP"
    text = head.decode("utf-16" if utf16 else "utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if looks_html(text):
        return "", "an HTML page (often an error, login or 'not found' page), not a data file"
    if text.startswith(("{", "[")):
        return "", "JSON, not a spend file (CSV, XLSX, XLS, ODS or ZIP)"
    return ".csv", None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _State:
    """What the fetch log says is kept: each URL's latest file, and each publisher's files by content."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOG
        self.by_url: dict[str, dict[str, str]] = {}
        self.kept: dict[tuple[str, str], str] = {}  # (publisher folder, sha256) -> path
        self.owners: dict[str, str] = {}  # path -> the URL whose file it is
        self.failures: dict[str, int] = {}  # host -> how many of its files failed in a row, this harvest
        for row in fetch_log.read(self.path):
            if row["source"] == "spend" and row["status"] in KEPT and row["path"]:
                self._remember(row)

    def _remember(self, row: dict[str, str]) -> None:
        self.by_url[row["url"]] = row
        if row["status"] in ("new", "changed"):
            self.owners[row["path"]] = row["url"]
            self.kept[(Path(row["path"]).parent.name, row["sha256"])] = row["path"]

    def tried(self, url: str, status: str) -> None:
        """Count a host's files failing in a row: any answer kept or refused shows it works."""
        host = urlsplit(url).netloc.lower()
        if status == "failed":
            self.failures[host] = self.failures.get(host, 0) + 1
        elif status != "disallowed":
            self.failures[host] = 0

    def failing(self, url: str, most: int) -> str | None:
        """Why the URL's host is asked for no more files this harvest (its last `most` files failed), or None."""
        host = urlsplit(url).netloc.lower()
        return f"{host} failed the last {most} files" if self.failures.get(host, 0) >= most else None

    def latest(self, url: str) -> dict[str, str] | None:
        return self.by_url.get(url)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.data_dir).as_posix()

    def log(self, row: dict[str, object]) -> None:
        fetch_log.append(self.path, [row])

    def record(
        self, source: SpendSource, outcome: FileOutcome, headers: Mapping[str, str] | None = None
    ) -> FileOutcome:
        """Log a file's outcome (remembering what it now holds) and return it."""
        headers = headers or {}
        row = {
            "source": "spend",
            "fetched_at": fetch_log.now(),
            "publisher": source.publisher,
            "url": outcome.url,
            "path": outcome.path,
            "sha256": outcome.sha256,
            "bytes": outcome.size,
            "etag": headers.get("ETag"),
            "last_modified": headers.get("Last-Modified"),
            "status": outcome.status,
            "problem": outcome.problem,
        }
        self.log(row)
        if outcome.status in KEPT and outcome.path:
            self._remember({k: "" if v is None else str(v) for k, v in row.items()})
        return outcome
