"""Fetch OCDS release packages from the Find a Tender and Contracts Finder APIs, page by page.

Each page is saved as it came (data/raw/<source>/<fetch>/page-NNNN.json) before anything else happens, so a
fetch that stops part-way keeps what it got. Harvesters of these APIs are known to under-collect silently, so
the result counts pages and releases, keeps any total the API states, and says why it stopped.

- Paging: the OCDS pagination extension. The next cursor is read from the package's `links.next` URL and sent
  with the same query to our configured base URL (so a test server or a mirror works the same way). At most
  one request a second, and at most policy.max_pages pages (a server giving a new cursor every time stops).
- Waits (the rules shared with the spend harvester, in http.py): 429 and 503 carry Retry-After (seconds or an
  HTTP date), which is obeyed; Contracts Finder's rate limit is an HTTP 403 HTML page, after which no request
  may be made for 5 minutes (setting fetch_rate_limit_wait); other 5xx answers and read timeouts back off 2, 4,
  8... seconds. Retries per page are bounded.
- Offline (DNS failure, refused or timed-out connection): fail at once with a clear message, no retries.
Endpoints: ../shared/notes/data-sources.md sections 2 and 3.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests

from loti_demand.exceptions import FetchError
from loti_demand.sources.http import (
    USER_AGENT,
    BodyProblem,
    FetchPolicy,
    ReadTimedOut,
    body_hint,
    broke_protocol,
    is_connection_failure,
    read_body,
    request_problem,
    retry_wait,
    unreachable_reason,
)
from loti_demand.sources.limits import TOO_DEEP

PAGE_LIMIT = 100
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"  # the APIs take 19-character date-times
# Fields where a package may state how many results the query matched (checked at the top and in `links`).
STATED_TOTAL_FIELDS = ("total", "totalCount", "count", "numberOfResults")


@dataclass(frozen=True)
class Api:
    source: str
    label: str
    url_setting: str
    path: str
    from_param: str
    to_param: str
    stages: tuple[str, ...]
    forbidden_means_rate_limit: bool = False


APIS = {
    "fts": Api(
        "fts",
        "Find a Tender",
        "fts_url",
        "/api/1.0/ocdsReleasePackages",
        "updatedFrom",
        "updatedTo",
        ("planning", "tender", "award"),
    ),
    "contracts-finder": Api(
        "contracts-finder",
        "Contracts Finder",
        "contracts_finder_url",
        "/Published/Notices/OCDS/Search",
        "publishedFrom",
        "publishedTo",
        ("planning", "tender", "award", "implementation"),
        forbidden_means_rate_limit=True,
    ),
}


@dataclass
class Page:
    number: int
    path: Path
    releases: int


@dataclass
class FetchResult:
    source: str
    window_from: dt.datetime
    window_to: dt.datetime | None
    fetched_at: dt.datetime
    folder: Path
    pages: list[Page] = field(default_factory=list)
    stated_total: int | None = None
    status: str = "ok"
    problem: str | None = None
    waits: list[float] = field(default_factory=list)

    @property
    def releases(self) -> int:
        return sum(p.releases for p in self.pages)

    @property
    def last_date_fetched(self) -> str | None:
        """The date the window is complete to; None unless every page came back."""
        if self.status != "ok":
            return None
        return (self.window_to or self.fetched_at).strftime(DATE_FORMAT)

    def summary(self) -> str:
        label = APIS[self.source].label
        total = f" (the API stated {self.stated_total})" if self.stated_total is not None else " (no total stated)"
        window = f"{self.window_from:%Y-%m-%d %H:%M:%S} to {(self.window_to or self.fetched_at):%Y-%m-%d %H:%M:%S}"
        return (
            f"{label}, {window}: {len(self.pages)} page(s), {self.releases:,} release(s){total}; saved in {self.folder}"
        )


class _Stop(Exception):
    """The fetch cannot go on; the pages saved so far are kept."""


def parse_when(text: str) -> dt.datetime:
    """'2025-01-31' or '2025-01-31T12:00:00' -> datetime (UTC, naive)."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise FetchError(f"{text!r} is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS") from exc
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def fetch(
    source: str,
    since: dt.datetime,
    until: dt.datetime | None = None,
    *,
    base_url: str,
    raw_dir: Path,
    stages: Sequence[str] = (),
    policy: FetchPolicy | None = None,
    session: requests.Session | None = None,
    progress: Callable[[str], None] | None = None,
) -> FetchResult:
    """Page through one API for a date window, saving each page. Raises FetchError when nothing could be
    fetched (offline, refused, a bad first answer); otherwise returns a result whose status says whether every
    page came back."""
    api = APIS[source]
    unknown = [s for s in stages if s not in api.stages]
    if unknown:
        raise FetchError(f"{api.label} has no stage {unknown[0]!r}; choose from {', '.join(api.stages)}")
    if until is not None and until < since:
        raise FetchError(f"--until {until:%Y-%m-%d} is before --since {since:%Y-%m-%d}")
    policy = policy or FetchPolicy()
    fetched_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    stamp = f"{fetched_at:%Y%m%dT%H%M%SZ}_{since:%Y%m%dT%H%M%S}_{(until or fetched_at):%Y%m%dT%H%M%S}"
    result = FetchResult(source, since, until, fetched_at, Path(raw_dir) / source / stamp)
    params = {api.from_param: since.strftime(DATE_FORMAT), "limit": PAGE_LIMIT}
    if until is not None:
        params[api.to_param] = until.strftime(DATE_FORMAT)
    if stages:
        params["stages"] = ",".join(stages)
    client = _Client(api, base_url.rstrip("/"), session or requests.Session(), policy, result)
    cursor, seen = None, set()
    try:
        while True:
            body = client.get({**params, **({"cursor": cursor} if cursor else {})}, len(result.pages) + 1)
            package = _package(body, len(result.pages) + 1, result.folder)
            page = _save(result, body, package)
            if progress:
                progress(f"page {page.number}: {page.releases} release(s)")
            result.stated_total = result.stated_total if result.stated_total is not None else _stated_total(package)
            cursor = next_cursor(package)
            if cursor is None:
                break
            if len(result.pages) >= policy.max_pages:
                raise _Stop(
                    f"stopped after {len(result.pages):,} pages, the most one fetch asks for, though the API offered "
                    "more; the pages fetched are kept. Fetch a shorter window (--since / --until) or raise "
                    "LOTI_DEMAND_FETCH_MAX_PAGES"
                )
            if cursor in seen:
                raise _Stop(f"the API gave cursor {cursor!r} twice; stopped to avoid a loop")
            seen.add(cursor)
    except _Stop as exc:
        result.status, result.problem = "failed", str(exc)
    if result.status == "ok" and result.stated_total is not None and result.stated_total != result.releases:
        result.problem = (
            f"the API stated {result.stated_total} release(s) but {result.releases} were fetched: "
            "the harvest may be incomplete"
        )
    return result


class _Client:
    def __init__(
        self, api: Api, base_url: str, session: requests.Session, policy: FetchPolicy, result: FetchResult
    ) -> None:
        self.api, self.base_url, self.session, self.policy, self.result = api, base_url, session, policy, result
        self._last: float | None = None  # when the API was last asked

    def _pace(self) -> None:
        """At most one request a second (policy.min_interval) to the API, as docs/fetching.md promises."""
        if self._last is not None:
            wait = self._last + self.policy.min_interval - self.policy.clock()
            if wait > 0:
                self.policy.sleep(wait)
        self._last = self.policy.clock()

    def get(self, params: dict, number: int) -> bytes:
        """One page's body, waiting and retrying as the API asks; raises _Stop or FetchError when it cannot.
        The body is streamed within max_page_bytes (once decompressed) and max_seconds."""
        url = self.base_url + self.api.path
        for attempt in range(1, self.policy.max_attempts + 1):
            self._pace()
            try:
                response = self.session.get(
                    url,
                    params=params,
                    timeout=self.policy.timeout,
                    headers={"Accept": "application/json", "User-Agent": USER_AGENT},
                    stream=True,
                )
            except (requests.ConnectionError, requests.exceptions.ConnectTimeout) as exc:
                if not is_connection_failure(exc):  # it answered, in something that is not HTTP
                    raise self._failed(f"page {number}: {broke_protocol(exc)}; not fetched", number) from exc
                self._unreachable(exc, number)
            except requests.Timeout:
                self._wait(self.policy.backoff**attempt, number, "timed out")
                continue
            except requests.RequestException as exc:  # redirected in a loop, or to file:, ftp: ...
                raise self._failed(f"page {number}: {request_problem(exc)}; not fetched", number) from exc
            if response.status_code == 200:
                try:
                    return b"".join(read_body(response, self.policy.max_page_bytes, self.policy))
                except ReadTimedOut as exc:
                    self._wait(self.policy.backoff**attempt, number, f"the API {exc}")
                    continue
                except BodyProblem as exc:
                    raise self._failed(f"page {number}: the answer {exc}; abandoned{body_hint(exc)}", number) from exc
                finally:
                    response.close()
            wait = retry_wait(
                response, attempt, self.policy, forbidden_means_rate_limit=self.api.forbidden_means_rate_limit
            )
            if wait is None:
                raise self._refused(response, number)
            response.close()
            self._wait(wait, number, f"HTTP {response.status_code}")
        raise _Stop(f"page {number}: gave up after {self.policy.max_attempts} attempts (the API kept refusing)")

    def _failed(self, message: str, number: int) -> Exception:
        """The error for a page that cannot be had: nothing fetched on page 1, else the fetch stops there."""
        return FetchError(f"{self.api.label}: {message}") if number == 1 else _Stop(message)

    def _wait(self, seconds: float, number: int, why: str) -> None:
        if seconds > self.policy.max_wait:
            raise _Stop(f"page {number}: {why}, and the API asked us to wait {seconds:.0f} s; try again later")
        self.result.waits.append(seconds)
        self.policy.sleep(seconds)

    def _refused(self, response: requests.Response, number: int) -> Exception:
        try:
            head = b"".join(read_body(response, 2000, self.policy, truncate=True))
        except BodyProblem:
            head = b""
        finally:
            response.close()
        text = re.sub(r"<[^>]+>|\s+", " ", head.decode("utf-8", "replace")[:300]).strip()
        message = f"{self.api.label} answered HTTP {response.status_code} for page {number}: {text[:200]}"
        return FetchError(message) if number == 1 else _Stop(message)

    def _unreachable(self, exc: Exception, number: int) -> None:
        setting = "LOTI_DEMAND_" + self.api.url_setting.upper()
        message = (
            f"cannot reach {self.api.label} at {self.base_url} ({unreachable_reason(exc)}). Are you offline? "
            f"Check the connection, or the {setting} setting"
        )
        if number == 1:
            raise FetchError(message + "; nothing was fetched") from exc
        raise _Stop(f"page {number}: {message}")


def _package(body: bytes, number: int, folder: Path) -> dict:
    """The page as a release package; a page that is not one stops the fetch (its bytes are kept aside)."""
    try:
        package = json.loads(body.decode("utf-8-sig"))
    except RecursionError as exc:
        kept = _keep_bad(folder, number, body)
        raise _Stop(f"page {number} {TOO_DEEP}; kept as {kept}") from exc
    except ValueError as exc:  # not UTF-8, not JSON, or a number too long to convert (more than 4,300 digits)
        where = f" at line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        why = getattr(exc, "msg", None) or str(exc)[:100]
        kept = _keep_bad(folder, number, body)
        raise _Stop(f"page {number} is not valid JSON{where} ({why}); kept as {kept}") from exc
    if not isinstance(package, dict) or not isinstance(package.get("releases"), list):
        kept = _keep_bad(folder, number, body)
        raise _Stop(f"page {number} is JSON but not an OCDS release package; kept as {kept}")
    return package


def _keep_bad(folder: Path, number: int, body: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"page-{number:04d}.malformed"
    path.write_bytes(body)
    return path


def _save(result: FetchResult, body: bytes, package: dict) -> Page:
    result.folder.mkdir(parents=True, exist_ok=True)
    number = len(result.pages) + 1
    path = result.folder / f"page-{number:04d}.json"
    path.write_bytes(body)
    page = Page(number, path, len(package["releases"]))
    result.pages.append(page)
    return page


def next_cursor(package: dict) -> str | None:
    """The cursor in the package's links.next URL, or None on the last page."""
    links = package.get("links")
    nxt = links.get("next") if isinstance(links, dict) else None
    if not isinstance(nxt, str) or not nxt.strip():
        return None
    values = parse_qs(urlsplit(nxt).query).get("cursor")
    return values[0] if values and values[0] else None


def _stated_total(package: dict) -> int | None:
    for where in (package, package.get("links") if isinstance(package.get("links"), dict) else {}):
        for name in STATED_TOTAL_FIELDS:
            value = where.get(name)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
    return None


def last_fetched(con, source: str) -> dt.datetime | None:
    """Where the next fetch resumes: the end of the latest complete fetch recorded in the warehouse."""
    from loti_demand.warehouse.db import scalar

    value = scalar(
        con, "select max(last_date_fetched) from raw_fetch_log where source = $s and status = 'ok'", {"s": source}
    )
    return parse_when(str(value)) if value else None


def log_row(result: FetchResult) -> dict[str, object]:
    """The fetch as a row of a fetch log: raw_fetch_log, or the data folder's log that `refresh` keeps."""
    return {
        "source": result.source,
        "fetched_at": result.fetched_at.strftime(DATE_FORMAT),
        "window_from": result.window_from.strftime(DATE_FORMAT),
        "window_to": result.window_to.strftime(DATE_FORMAT) if result.window_to else None,
        "pages": len(result.pages),
        "releases": result.releases,
        "stated_total": result.stated_total,
        "last_date_fetched": result.last_date_fetched,
        "status": result.status,
        "problem": result.problem,
    }


def resume_point(rows: list[dict[str, str]], source: str) -> dt.datetime | None:
    """Where the next fetch resumes by a data folder's fetch log: the end of its latest complete fetch."""
    ends = [
        r["last_date_fetched"] for r in rows if r["source"] == source and r["status"] == "ok" and r["last_date_fetched"]
    ]
    return parse_when(max(ends)) if ends else None


def record_fetch(con, result: FetchResult) -> None:
    """Add the fetch to raw_fetch_log (inside the build transaction that ingests its pages)."""
    con.execute(
        "insert into raw_fetch_log by name select $source as source, $fetched_at as fetched_at, "
        "$window_from as window_from, $window_to as window_to, $pages as pages, $releases as releases, "
        "$stated_total as stated_total, $last_date_fetched as last_date_fetched, $status as status, "
        "$problem as problem",
        {**log_row(result), "fetched_at": result.fetched_at},
    )
