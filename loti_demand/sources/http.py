"""The manners every download owes a public web site, shared by the API connectors and the spend harvester.

- Identify ourselves: a User-Agent naming the project.
- Obey robots.txt (RFC 9309: a missing file allows everything, a server error forbids everything) and its
  Crawl-delay; ask one host at most once a second.
- Wait as asked: 429 and 503 carry Retry-After (seconds or an HTTP date); other 5xx answers and read timeouts
  back off 2, 4, 8... seconds, a bounded number of times; never past the client's deadline, when it has one
  (the spend harvester's time limit for each publisher).
- Offline (DNS failure, refused or timed-out connection): fail at once with a clear message, no retries.
- Bound what is read: a body larger than the cap, or slower than the deadline, is abandoned part-way.
- Follow redirects by hand, so each hop is checked (http or https only, robots.txt, pacing).
`sleep` and `clock` are injectable so tests record waits instead of waiting.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import http.client
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import requests
import urllib3

from loti_demand import __version__
from loti_demand.exceptions import FetchError

ROBOTS_TOKEN = "loti-demand"
USER_AGENT = f"{ROBOTS_TOKEN}/{__version__} (the London tech demand picture; open-data harvester; obeys robots.txt)"
MAX_REDIRECTS = 5
MAX_ROBOTS_BYTES = 500 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB; more is ignored
READ_SIZE = 16 * 1024  # one read gives what has arrived, up to this: the clock is looked at between reads


@dataclass
class FetchPolicy:
    """How patient and how careful to be."""

    timeout: float = 30.0  # seconds to connect, and between bytes of an answer
    rate_limit_wait: float = 300.0  # Contracts Finder's rate-limit page (HTTP 403)
    max_attempts: int = 5
    backoff: float = 2.0
    max_wait: float = 900.0  # a longer Retry-After gives up instead
    min_interval: float = 1.0  # seconds between two requests to one host
    max_bytes: int = 200 * 1024 * 1024  # the largest body a download may have
    max_page_bytes: int = 50 * 1024 * 1024  # the largest listing page or API answer (once decompressed)
    max_seconds: float = 600.0  # the longest one download, page or API answer may take
    max_pages: int = 10_000  # the most pages one API fetch asks for
    max_publisher_minutes: float = 30.0  # fetch spend: the longest one publisher's listing and files may take
    max_host_failures: int = 10  # fetch spend: consecutive failed files after which a host is asked for no more
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


class Unreachable(FetchError):
    """The host could not be reached at all (offline, DNS, refused): asking again now will not help."""


class HttpFailure(FetchError):
    """The server answered, but not with what was asked for (after any retries)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Disallowed(HttpFailure):
    """robots.txt does not allow the URL."""


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def retry_wait(
    response: requests.Response, attempt: int, policy: FetchPolicy, *, forbidden_means_rate_limit: bool = False
) -> float | None:
    """Seconds to wait before asking again, or None when asking again will not help."""
    status = response.status_code
    stated = retry_after(response.headers.get("Retry-After"))
    if status in (429, 503):
        return stated if stated is not None else policy.backoff**attempt
    if status == 403 and forbidden_means_rate_limit:
        return stated if stated is not None else policy.rate_limit_wait
    if status >= 500:
        return policy.backoff**attempt
    return None


def unreachable_reason(exc: Exception) -> str:
    """A connection failure in a few plain words."""
    text = str(exc)
    for pattern, reason in (
        ("Name or service not known|NameResolution|getaddrinfo|nodename", "host name not found"),
        ("refused", "connection refused"),
        ("timed out|Timeout", "connection timed out"),
    ):
        if re.search(pattern, text, re.IGNORECASE):
            return reason
    return text[:120]


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host; links to any other scheme are never followed."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass
class Body:
    """A complete answer: its final URL, status, headers, and where its bytes went."""

    url: str
    status: int
    headers: Mapping[str, str]  # case-insensitive, as requests gives them
    content: bytes = b""
    path: Path | None = None
    sha256: str = ""
    size: int = 0


@dataclass
class Client:
    """One polite HTTP client for a harvest: robots.txt and pacing are remembered per host."""

    policy: FetchPolicy = field(default_factory=FetchPolicy)
    session: requests.Session = field(default_factory=requests.Session)
    _robots: dict[str, RobotFileParser | None] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)  # when each host was last asked
    _delay: dict[str, float] = field(default_factory=dict)  # each host's Crawl-delay
    _down: dict[str, str] = field(default_factory=dict)  # hosts found unreachable: not asked again this run
    _robots_problem: dict[str, str] = field(default_factory=dict)  # hosts whose robots.txt could not be read
    # A clock time no wait (Retry-After, backing off) may go past, and what it is, for the message: the spend
    # harvester sets it to each publisher's time limit, so no server can hold a harvest by asking it to wait.
    deadline: float | None = None
    deadline_reason: str = ""
    deadline_reached: bool = False  # a wait was not waited because of the deadline: its time is up in effect

    def get(self, url: str, *, headers: dict[str, str] | None = None, to_file: Path | None = None) -> Body:
        """GET a URL politely. The body is kept in memory (capped at max_page_bytes), or streamed to `to_file`
        (capped at max_bytes). A 304 answer comes back as it is; other non-200 answers raise HttpFailure."""
        for attempt in range(1, self.policy.max_attempts + 1):
            try:
                return self._get(url, headers, to_file)
            except ReadTimedOut as exc:  # went quiet part-way: back off and ask again, as for a timeout
                self._wait(self.policy.backoff**attempt, url, f"the server {exc}")
        raise HttpFailure(
            f"{url}: gave up after {self.policy.max_attempts} attempts (the server kept going quiet part-way)"
        )

    def _get(self, url: str, headers: dict[str, str] | None, to_file: Path | None) -> Body:
        for _ in range(MAX_REDIRECTS + 1):
            if not is_web_url(url):
                raise HttpFailure(f"{url}: not an http or https address; not followed")
            self._check_robots(url)
            response = self._request(url, headers or {})
            if response.is_redirect:
                location = response.headers.get("Location", "")
                response.close()
                url = urljoin(url, location)
                continue
            if response.status_code == 304:
                response.close()
                return Body(url, 304, response.headers)
            if response.status_code != 200:
                response.close()
                raise HttpFailure(
                    f"{url}: HTTP {response.status_code} {response.reason or ''}".rstrip(), response.status_code
                )
            return self._read(url, response, to_file)
        raise HttpFailure(f"{url}: more than {MAX_REDIRECTS} redirects; not followed")

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch the URL (fetching robots.txt the first time a host is seen)."""
        host = host_of(url)
        if host not in self._robots:
            self._robots[host] = self._fetch_robots(host)
        rules = self._robots[host]
        return rules is None or rules.can_fetch(ROBOTS_TOKEN, url)

    def _check_robots(self, url: str) -> None:
        if not self.allowed(url):
            if host_of(url) in self._robots_problem:
                raise HttpFailure(self._robots_problem[host_of(url)])
            raise Disallowed(f"{url}: robots.txt of {host_of(url)} does not allow it; not fetched")

    def _fetch_robots(self, host: str) -> RobotFileParser | None:
        """The host's rules, or None when it has none (a 4xx answer); a server error forbids everything."""
        url = host + "/robots.txt"
        rules = RobotFileParser(url)
        for _ in range(MAX_REDIRECTS + 1):
            response = self._request(url, {}, retry=False)
            if not response.is_redirect:
                break
            response.close()
            url = urljoin(url, response.headers.get("Location", ""))
            if not is_web_url(url):
                break
        try:
            if response.status_code >= 500 or response.is_redirect or not is_web_url(url):
                rules.disallow_all = True
                return rules
            if response.status_code != 200:
                return None
            text = b"".join(read_body(response, MAX_ROBOTS_BYTES, self.policy, truncate=True))
        except BodyProblem as exc:  # unreadable rules: nothing on the host is fetched (RFC 9309 section 2.3.1.4)
            self._robots_problem[host] = f"{host}/robots.txt {exc}, so its rules are unknown; nothing fetched there"
            rules.disallow_all = True
            return rules
        finally:
            response.close()
        text = text.decode("utf-8", "replace")
        rules.parse(text.splitlines())
        delay = rules.crawl_delay(ROBOTS_TOKEN)
        if delay and float(delay) > self.policy.max_wait:  # a day between requests is a refusal in effect
            self._robots_problem[host] = (
                f"{host}/robots.txt asks for {float(delay):,.0f} s between requests (Crawl-delay), more than the "
                f"{self.policy.max_wait:,.0f} s we wait; nothing fetched there"
            )
            rules.disallow_all = True
        elif delay:
            self._delay[host] = float(delay)
        return rules

    def _pace(self, url: str) -> None:
        host = host_of(url)
        last = self._last.get(host)
        if last is not None:
            wait = last + max(self.policy.min_interval, self._delay.get(host, 0.0)) - self.policy.clock()
            if wait > 0:
                self.policy.sleep(wait)
        self._last[host] = self.policy.clock()

    def _request(self, url: str, headers: dict[str, str], *, retry: bool = True) -> requests.Response:
        """One answer (a redirect included), retrying 429/5xx and read timeouts as the policy says (unless not
        `retry`: then the first answer, whatever it is)."""
        host, last = host_of(url), ""
        for attempt in range(1, self.policy.max_attempts + 1):
            if host in self._down:
                raise Unreachable(self._down[host])
            self._pace(url)
            try:
                response = self.session.get(
                    url,
                    headers={"User-Agent": USER_AGENT, **headers},
                    stream=True,
                    timeout=self.policy.timeout,
                    allow_redirects=False,
                )
            except (requests.ConnectionError, requests.exceptions.ConnectTimeout) as exc:
                if not is_connection_failure(exc):  # it answered: this URL fails, the host is asked again
                    raise HttpFailure(f"{url}: {broke_protocol(exc)}; not fetched") from exc
                self._down[host] = f"cannot reach {host} ({unreachable_reason(exc)}). Are you offline?"
                raise Unreachable(self._down[host]) from exc
            except requests.Timeout:
                last = f"no answer within {self.policy.timeout:g} s"
                self._wait(self.policy.backoff**attempt, url, "timed out")
                continue
            except requests.RequestException as exc:
                raise HttpFailure(f"{url}: {type(exc).__name__}: {str(exc)[:200]}") from exc
            wait = retry_wait(response, attempt, self.policy) if retry and response.status_code >= 400 else None
            if wait is None:
                return response
            response.close()
            last = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
            self._wait(wait, url, f"HTTP {response.status_code}")
        raise HttpFailure(
            f"{url}: gave up after {self.policy.max_attempts} attempts (the server kept refusing or timing out; "
            f"the last answer: {last})"
        )

    def _wait(self, seconds: float, url: str, why: str) -> None:
        if seconds > self.policy.max_wait:
            raise HttpFailure(f"{url}: {why}, and the server asked us to wait {seconds:.0f} s; try again later")
        if self.deadline is not None and self.policy.clock() + seconds > self.deadline:
            self.deadline_reached = True
            raise HttpFailure(
                f"{url}: {why}; waiting {seconds:,.0f} s more to ask again would pass {self.deadline_reason}, "
                "so it was not asked again; try again later"
            )
        self.policy.sleep(seconds)

    def _read(self, url: str, response: requests.Response, to_file: Path | None) -> Body:
        body = Body(url, 200, response.headers)
        digest = hashlib.sha256()
        limit = self.policy.max_bytes if to_file else self.policy.max_page_bytes
        try:
            with to_file.open("wb") if to_file else contextlib.nullcontext() as out:
                parts = []
                for chunk in read_body(response, limit, self.policy):
                    digest.update(chunk)
                    body.size += len(chunk)
                    if to_file:
                        out.write(chunk)
                    else:
                        parts.append(chunk)
        except ReadTimedOut:
            raise
        except BodyProblem as exc:
            raise HttpFailure(f"{url}: the answer {exc}; abandoned{body_hint(exc, bool(to_file))}") from exc
        except OSError as exc:
            raise HttpFailure(f"{url}: could not be saved ({exc.strerror or exc})") from exc
        finally:
            response.close()
        body.sha256, body.path = digest.hexdigest(), to_file
        body.content = b"" if to_file else b"".join(parts)
        return body


class BodyProblem(Exception):
    """An answer's body could not be read whole; the text says why in a few plain words ("broke off ...")."""


class TooLarge(BodyProblem):
    pass


class TooSlow(BodyProblem):
    pass


class ReadTimedOut(BodyProblem):
    """The server went quiet for longer than the timeout part-way through its answer (asking again may help)."""


def read_body(
    response: requests.Response, limit: int, policy: FetchPolicy, *, truncate: bool = False
) -> Iterator[bytes]:
    """An answer's body (decompressed as its Content-Encoding says) in pieces as they arrive, within `limit`
    bytes and policy.max_seconds. Each read returns what has arrived (at most READ_SIZE bytes, decompressed a
    little at a time), so neither a gzip bomb nor a server dripping a byte a second can outlast the checks
    between reads. Raises a BodyProblem saying what went wrong; past `limit` stops quietly when `truncate`."""
    stated = response.headers.get("Content-Length", "")
    if stated.isdigit() and int(stated) > limit and not truncate:
        raise TooLarge(f"is larger than {limit:,} bytes")
    started, seen = policy.clock(), 0
    while True:
        if policy.clock() - started > policy.max_seconds:
            raise TooSlow(f"took longer than {policy.max_seconds:g} s")
        try:
            piece = response.raw.read1(READ_SIZE, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise ReadTimedOut(f"sent nothing for {policy.timeout:g} s part-way through its answer") from exc
        except urllib3.exceptions.DecodeError as exc:
            encoding = response.headers.get("Content-Encoding", "")
            raise BodyProblem(f"could not be decompressed (it says it is {encoding} but is not)") from exc
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, ValueError) as exc:
            raise BodyProblem(f"broke off part-way ({_protocol_reason(exc)})") from exc
        if not piece:
            return
        seen += len(piece)
        if seen > limit:
            if truncate:
                yield piece[: len(piece) - (seen - limit)]
                return
            raise TooLarge(f"is larger than {limit:,} bytes")
        yield piece


def body_hint(problem: BodyProblem, file: bool = False) -> str:
    """What to do about an answer abandoned part-way, naming the setting that raises the limit it hit."""
    if isinstance(problem, TooLarge):
        setting = "LOTI_DEMAND_FETCH_MAX_FILE_MB" if file else "LOTI_DEMAND_FETCH_MAX_PAGE_MB"
        return f"; if it really is this large, raise {setting}"
    if isinstance(problem, TooSlow):
        return "; try again later, or raise LOTI_DEMAND_FETCH_MAX_SECONDS"
    return "; try again later"


def request_problem(exc: requests.RequestException) -> str:
    """Why a request that got no usable answer failed, in a few plain words (redirects, bad addresses)."""
    if isinstance(exc, requests.TooManyRedirects):
        return "the server redirected more than 30 times (a redirect loop)"
    if isinstance(exc, requests.exceptions.InvalidSchema | requests.exceptions.MissingSchema):
        return "the server redirected to an address that is not http or https"
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.InvalidHeader):
        return f"the server redirected to an address that is not valid ({str(exc)[:120]})"
    return f"the request failed ({type(exc).__name__}: {str(exc)[:120]})"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what it wraps (urllib3's reason, Python's cause and context, exceptions in its args)."""
    stack, seen = [exc], set()
    while stack:
        item = stack.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        reason = getattr(item, "reason", None)  # urllib3's wrapped error; ssl.SSLError's reason is a string
        stack += [reason if isinstance(reason, BaseException) else None, item.__cause__, item.__context__]
        stack += [a for a in getattr(item, "args", ()) if isinstance(a, BaseException)]


def _protocol_reason(exc: BaseException) -> str:
    """What a server that answered did wrong, in a few plain words."""
    for item in _causes(exc):
        text = str(item)
        if isinstance(item, http.client.LineTooLong) or "line too long" in text.lower():
            return "it sent a line longer than 65,536 bytes in its headers"
        if "more than 100 headers" in text:
            return "it sent more than 100 headers"
        if isinstance(item, http.client.IncompleteRead) or "IncompleteRead" in text:
            return "it sent less than the Content-Length it stated"
        if isinstance(item, http.client.RemoteDisconnected):
            return "it closed the connection without answering"
        if isinstance(item, ConnectionResetError):
            return "it reset the connection"
        if "chunk" in text.lower():
            return "its chunked encoding is broken"
    return f"{type(exc).__name__}: {str(exc)[:120]}"


def is_connection_failure(exc: BaseException) -> bool:
    """True when no connection was made at all (host name not found, refused, connecting timed out): the host is
    unreachable. False when the server answered but broke the protocol (too many headers, a header line too
    long, closing part-way)."""
    return any(
        isinstance(
            item,
            urllib3.exceptions.NewConnectionError
            | urllib3.exceptions.ConnectTimeoutError
            | requests.exceptions.ConnectTimeout
            | socket.gaierror
            | ConnectionRefusedError,
        )
        for item in _causes(exc)
    )


def broke_protocol(exc: BaseException) -> str:
    """One line for a server that answered but not in HTTP we can read, or whose secure connection failed."""
    if tls := next((item for item in _causes(exc) if isinstance(item, ssl.SSLError)), None):
        return (
            f"the secure connection (TLS) to the server failed ({str(tls)[:160]}); check the address, and whether a "
            "proxy or an out-of-date certificate store sits between you and the site"
        )
    return f"the server answered but broke the HTTP protocol ({_protocol_reason(exc)})"
