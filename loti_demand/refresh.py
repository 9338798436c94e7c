"""`refresh`: fetch council spend, Find a Tender and Contracts Finder into the data folder, then build.

Everything fetched is kept in the data folder (spend files and DIR/spend/fetch_log.csv; API pages under
DIR/procurement/<source>/ and DIR/procurement/fetch_log.csv), so the warehouse is always a plain build of the
folder. A source that fails never stops the others; the build is the usual atomic one, and it runs only when
some source fetched something new (or there is no warehouse yet): a refresh that finds nothing new, with any
source offline or not, leaves the warehouse byte-identical.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from loti_demand import config
from loti_demand.exceptions import FetchError, LotiDemandError
from loti_demand.sources import connectors, fetch_log
from loti_demand.sources.http import FetchPolicy
from loti_demand.sources.spend_fetch import LOG, harvest, refuse_sample, unexpected
from loti_demand.sources.spend_sources import SpendSource

SOURCES = ("spend", "fts", "contracts-finder")
# A progress bar: bar(label, length or None when unknown) gives a step(item) to call as each item is done.
Bar = Callable[[str, int | None], AbstractContextManager[Callable[[str], None]]]


@dataclass
class SourceOutcome:
    label: str
    ok: bool
    line: str  # what happened, in one line
    details: list[str] = field(default_factory=list)  # e.g. the publishers that failed and why
    new_paths: list[str] = field(default_factory=list)  # new files fetched, relative to the data folder


@dataclass
class RefreshReport:
    outcomes: list[SourceOutcome] = field(default_factory=list)
    build: object | None = None  # the BuildReport, when the warehouse was rebuilt
    build_problem: str | None = None
    skipped_build: str | None = None  # why the warehouse was left as it was
    new_rows: dict[str, int] = field(default_factory=dict)  # kind -> lines or releases loaded from new files

    @property
    def failed(self) -> bool:
        return self.build_problem is not None or not all(o.ok for o in self.outcomes)


def policy() -> FetchPolicy:
    """The fetch policy the settings give (refresh, fetch spend, fetch fts and fetch contracts-finder)."""
    return FetchPolicy(
        timeout=float(config.get("fetch_timeout")),
        rate_limit_wait=float(config.get("fetch_rate_limit_wait")),
        max_bytes=int(config.get("fetch_max_file_mb")) * 1024 * 1024,
        max_page_bytes=int(config.get("fetch_max_page_mb")) * 1024 * 1024,
        max_seconds=float(config.get("fetch_max_seconds")),
        max_pages=int(config.get("fetch_max_pages")),
        max_publisher_minutes=float(config.get("fetch_max_minutes_per_publisher")),
    )


def refresh(
    data_dir: Path,
    warehouse: Path,
    *,
    sources: list[SpendSource],
    since: dt.datetime | None,
    until: dt.datetime | None,
    bar: Bar,
    fetch_policy: FetchPolicy | None = None,
    strict: bool = False,
    only: tuple[str, ...] = SOURCES,
) -> RefreshReport:
    """Fetch each chosen source into the data folder, then rebuild the warehouse from it if anything came."""
    data_dir, fetch_policy = Path(data_dir), fetch_policy or policy()
    refuse_sample(data_dir)
    report = RefreshReport()
    for source in only:
        try:
            if source == "spend":
                report.outcomes.append(fetch_spend(data_dir, sources, fetch_policy, bar))
            else:
                report.outcomes.append(fetch_api(source, data_dir, since, until, fetch_policy, bar))
        except OSError:  # the data folder cannot be written (a file in its path, a full disk): one line from the CLI
            raise
        except Exception as exc:  # one source failing never stops the others
            if config.get("debug"):  # LOTI_DEMAND_DEBUG=1: the traceback, for a bug report
                raise
            label = "Council spend" if source == "spend" else connectors.APIS[source].label
            report.outcomes.append(SourceOutcome(label, False, unexpected(exc, "sources")))
    if Path(warehouse).exists() and not any(o.new_paths for o in report.outcomes):
        report.skipped_build = "nothing new was fetched, so the warehouse was not rebuilt (it is as it was)"
        return report
    from loti_demand.warehouse.build import build

    try:
        report.build = build(data_dir, warehouse, strict=strict, skip_bad_files=True)
    except LotiDemandError as exc:
        report.build_problem = f"the build failed, so the warehouse is as it was: {exc}"
        return report
    report.new_rows = new_rows(warehouse, [p for o in report.outcomes for p in o.new_paths])
    return report


def fetch_spend(data_dir: Path, sources: list[SpendSource], fetch_policy: FetchPolicy, bar: Bar) -> SourceOutcome:
    with bar("Council spend", len(sources)) as step:
        result = harvest(data_dir, sources, policy=fetch_policy, progress=lambda p: step(p.source.publisher))
    failed = [p for p in result.attempted if p.status == "failed"]
    details = [f"{p.source.publisher}: {p.problem}" for p in failed]
    details += [
        f"{p.source.publisher}, listing: {p.problem}" for p in result.attempted if p.status == "ok" and p.problem
    ]
    details += [f"{p.source.publisher}, {line}" for p in result.publishers for line in p.problem_lines(data_dir / LOG)]
    if result.offline:
        return SourceOutcome(
            "Council spend",
            False,
            f"could not reach any of the {len(result.attempted)} publisher(s): {failed[0].problem}",
        )
    ok = len(failed) < len(result.attempted)
    line = result.summary() if ok else "every publisher failed: " + (failed[0].problem if failed else "none listed")
    return SourceOutcome("Council spend", ok, line, details, result.new_paths)


def fetch_api(
    source: str,
    data_dir: Path,
    since: dt.datetime | None,
    until: dt.datetime | None,
    fetch_policy: FetchPolicy,
    bar: Bar,
) -> SourceOutcome:
    """One API's notices for the window (by default from where the data folder's last complete fetch ended)."""
    api = connectors.APIS[source]
    log = data_dir / fetch_log.LOGS[1]
    start = since or connectors.resume_point(fetch_log.read(log), source)
    if start is None:
        return SourceOutcome(api.label, False, f"no earlier fetch is recorded in {log}: give --since YYYY-MM-DD")
    with bar(api.label, None) as step:
        try:
            result = connectors.fetch(
                source,
                start,
                until,
                base_url=str(config.get(api.url_setting)),
                raw_dir=data_dir / "procurement",
                policy=fetch_policy,
                progress=step,
            )
        except FetchError as exc:  # nothing fetched (offline, refused): logged, so the coverage page shows it
            failure = {"source": source, "fetched_at": fetch_log.now(), "status": "failed", "problem": str(exc)}
            fetch_log.append(log, [{**failure, "window_from": start.strftime(connectors.DATE_FORMAT)}])
            return SourceOutcome(api.label, False, str(exc))
    fetch_log.append(log, [connectors.log_row(result)])
    # Pages without a release add nothing to build (a window with no new notices still saves one page).
    paths = [page.path.relative_to(data_dir).as_posix() for page in result.pages if page.releases]
    line = result.summary().removeprefix(f"{api.label}, ")
    if result.status != "ok":
        line = f"stopped: {result.problem}. The {len(result.pages)} page(s) before it are kept and built"
    elif result.problem:
        line += f". Warning: {result.problem}"
    return SourceOutcome(api.label, result.status == "ok", line, [], paths)


def new_rows(warehouse: Path, paths: list[str]) -> dict[str, int]:
    """Lines (spend) and releases (procurement) loaded from the files just fetched, by kind."""
    from loti_demand.warehouse.db import connect, step_sql

    con = connect(warehouse, read_only=True)
    try:
        return dict(con.execute(step_sql("new_file_rows"), {"paths": paths}).fetchall())
    finally:
        con.close()
