"""Load test (`python -m benchmarks --load-only`): simulated users on one Streamlit server while the warehouse
is rebuilt and swapped under them.

Each user is a real client of Streamlit's WebSocket protocol (the BackMsg and ForwardMsg protobufs a browser sends
and receives at /_stcore/stream): it opens every registered page in turn, changes two of the page's filters (a
random option of a select box, a random set of a multi-select), and thinks between actions. The page time is from
sending the request to the server's "script finished", so it is the server's time plus the transfer, without the
browser's drawing. Errors: a page showing an exception or the "cannot be read" page, a run that does not finish
within the timeout, a dropped connection. A build of the same data folder swaps a new warehouse in every
`rebuild_every` seconds; the health check is polled throughout.

The server is started here, on 127.0.0.1, from serve.py; nothing else is contacted.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from benchmarks.measure import percentile
from loti_demand.config import PROJECT_DIR
from loti_demand.navigation import registered_pages

UNREADABLE_TITLE = "The data cannot be read just now"  # ui.unreadable_page
RUN_TIMEOUT = 60.0  # seconds for one page run before it counts as an error
FILTER_CHANGES = 2  # per page visit
AFTER_SWAP = 10.0  # seconds after a rebuild's swap whose page runs the report counts apart
EARLY_FOR_RERUN = 2  # ForwardMsg.ScriptFinishedStatus: the run was replaced by a rerun; wait for the next one


@dataclass(frozen=True)
class LoadOptions:
    users: int = 25
    seconds: float = 120.0
    rebuild_every: float = 30.0
    rebuild_nice: int = 19  # the rebuilds' CPU priority: the lowest, as docs/deployment.md runs builds on a server
    think: tuple[float, float] = (0.5, 2.0)  # seconds a user waits between actions
    data: Path = PROJECT_DIR / "data" / "sample"
    work_dir: Path = Path("data/bench")
    seed: int = 1
    lines: int = 0  # > 0: serve the sample generator's files at this many payment lines instead of data/sample


@dataclass(frozen=True)
class Sample:
    page: str
    action: str  # "open" or "filter"
    seconds: float
    error: str | None = None
    started: float = 0.0  # time.perf_counter() when the request was sent


@dataclass
class LoadResult:
    options: LoadOptions
    samples: list[Sample] = field(default_factory=list)
    rebuilds: list[tuple[float, float, int]] = field(default_factory=list)  # (start, end, exit code); perf_counter()
    health: Counter = field(default_factory=Counter)  # status code -> answers
    server_tracebacks: int = 0
    memory: list[tuple[float, int]] = field(default_factory=list)  # (seconds since the users started, server RSS)
    server_cpu: float | None = None  # CPU seconds the server spent while the users ran

    @property
    def errors(self) -> Counter:
        return Counter(s.error for s in self.samples if s.error)

    def times(self, page: str | None = None) -> list[float]:
        return [s.seconds for s in self.samples if not s.error and (page is None or s.page == page)]

    def swaps_under_users(self) -> int:
        """Rebuilds that swapped a new file in before the users' last page run ended (at 10M lines a rebuild takes
        about two minutes, so one started under the users may finish after them)."""
        last = max((s.started + s.seconds for s in self.samples), default=0.0)
        return sum(code == 0 and end <= last for _, end, code in self.rebuilds)

    def by_rebuilds(self) -> dict[str, list[float]]:
        """Page times of the runs that overlapped a rebuild (which shares the cores), of those that started in the
        AFTER_SWAP seconds after one swapped its file in (when the server makes its answers from the new file), and
        of the others."""
        parts: dict[str, list[float]] = {
            "while a rebuild ran": [],
            f"in the {AFTER_SWAP:.0f} s after a swap": [],
            "otherwise": [],
        }
        during, after, other = parts.values()
        for s in self.samples:
            if s.error:
                continue
            if any(s.started < end and s.started + s.seconds > start for start, end, _ in self.rebuilds):
                during.append(s.seconds)
            elif any(code == 0 and end <= s.started < end + AFTER_SWAP for _, end, code in self.rebuilds):
                after.append(s.seconds)
            else:
                other.append(s.seconds)
        return parts


class SimulatedUser:
    """One visitor: a WebSocket session going through the pages from its own starting point."""

    def __init__(
        self,
        number: int,
        url: str,
        pages: list[tuple[str, str]],
        options: LoadOptions,
        deadline: float,
        result: LoadResult,
    ) -> None:
        self.number, self.url, self.pages, self.options = number, url, pages, options
        self.deadline, self.result = deadline, result
        self.rng = random.Random(options.seed * 1000 + number)

    def run(self) -> None:
        from websockets.exceptions import ConnectionClosed
        from websockets.sync.client import connect

        visit = self.number
        while time.monotonic() < self.deadline:
            try:
                ws = connect(self.url, subprotocols=["streamlit"], max_size=None, open_timeout=RUN_TIMEOUT)
            except OSError:  # TimeoutError included
                self.result.samples.append(Sample("(connecting)", "open", 0.0, "could not connect"))
                time.sleep(1)
                continue
            with ws:
                try:
                    while time.monotonic() < self.deadline:
                        self._visit(ws, *self.pages[visit % len(self.pages)])
                        visit += 1
                except (ConnectionClosed, OSError):
                    time.sleep(1)  # counted by _measure; start a new session

    def _visit(self, ws, path: str, title: str) -> None:
        page = _Page(path)
        self._measure(ws, page, title, "open")
        for _ in range(FILTER_CHANGES):
            if not page.widgets or time.monotonic() >= self.deadline:
                return
            self._think()
            page.change_one(self.rng)
            self._measure(ws, page, title, "filter")
        self._think()

    def _measure(self, ws, page: _Page, title: str, action: str) -> None:
        from websockets.exceptions import ConnectionClosed

        start = time.perf_counter()
        try:
            error = page.run(ws)
        except (ConnectionClosed, OSError) as exc:
            problem = "timeout" if isinstance(exc, TimeoutError) else "connection dropped"
            self.result.samples.append(Sample(title, action, time.perf_counter() - start, problem, start))
            raise
        self.result.samples.append(Sample(title, action, time.perf_counter() - start, error, start))

    def _think(self) -> None:
        time.sleep(min(self.rng.uniform(*self.options.think), max(0.0, self.deadline - time.monotonic())))


class _Page:
    """One page in one session: the filters it drew, the values chosen, and its query string."""

    def __init__(self, path: str) -> None:
        self.path, self.query_string, self.script_hash = path, "", ""
        self.widgets: dict[str, tuple[str, list[str]]] = {}  # widget id -> (kind, options)
        self.states: dict[str, object] = {}  # widget id -> WidgetState sent

    def change_one(self, rng: random.Random) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        widget_id, (kind, options) = rng.choice(sorted(self.widgets.items()))
        state = WidgetState(id=widget_id)
        if kind == "selectbox":
            state.string_value = rng.choice(options)
        else:
            state.string_array_value.data.extend(rng.sample(options, min(len(options), rng.randint(0, 3))))
        self.states[widget_id] = state

    def run(self, ws) -> str | None:
        """Ask for a run of the page with the current filters; wait until it finished; return the error, if any."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        request = message.rerun_script
        request.page_name, request.page_script_hash = self.path, self.script_hash
        request.query_string = self.query_string
        request.widget_states.widgets.extend(self.states.values())
        ws.send(message.SerializeToString())
        error, widgets = None, {}
        deadline = time.monotonic() + RUN_TIMEOUT
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            kind = reply.WhichOneof("type")
            if kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                error = _element(reply.delta.new_element, widgets) or error
            elif kind == "navigation":
                self.script_hash = reply.navigation.page_script_hash
            elif kind == "page_info_changed":
                self.query_string = reply.page_info_changed.query_string
            elif kind == "script_finished" and reply.script_finished != EARLY_FOR_RERUN:
                self.widgets = widgets
                return error if reply.script_finished == 0 else "script did not compile"
            elif kind == "script_finished":
                error, widgets = None, {}


def _element(element, widgets: dict[str, tuple[str, list[str]]]) -> str | None:
    kind = element.WhichOneof("type")
    if kind in ("selectbox", "multiselect"):
        widget = getattr(element, kind)
        if widget.options and not widget.disabled:
            widgets[widget.id] = (kind, list(widget.options))
    elif kind == "exception":
        return "exception shown"
    elif kind == "heading" and element.heading.body == UNREADABLE_TITLE:
        return "'cannot be read' page"
    return None


def run_load_test(options: LoadOptions, echo: Callable[[str], None] = print) -> LoadResult:
    """Build the warehouse, serve it, run the users with rebuilds and health polls alongside; print the report."""
    from loti_demand.local_server import local_server
    from loti_demand.warehouse.build import build

    work = Path(options.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    warehouse = work / "load-warehouse.duckdb"
    if options.lines:
        from loti_demand.sample.scale import ScaleParams, generate_scaled

        echo(f"Preparing {options.lines:,} payment lines and {options.lines // 100:,} OCDS releases ...")
        params = ScaleParams(options.lines, options.lines // 100)
        options = replace(options, data=generate_scaled(work / f"data-{options.lines}l-load", params).folder)
    echo(f"Building the warehouse from {options.data} ...")
    build(options.data, warehouse)
    log_path = work / "load-server.log"
    result = LoadResult(options)
    with local_server(warehouse, script="serve.py", log=log_path) as server:
        pages = [(p.url_path, p.title) for p in registered_pages()]
        base = server.url.removeprefix("http://")
        echo(
            f"Warming the server (every page once), then {options.users} users for {options.seconds:.0f} s, "
            f"rebuilding every {options.rebuild_every:.0f} s at nice {options.rebuild_nice} ..."
        )
        _warm(f"ws://{base}/_stcore/stream", pages)
        _drive(
            options,
            result,
            f"ws://{base}/_stcore/stream",
            f"http://{base}/_stcore/health",
            pages,
            warehouse,
            server.process.pid,
        )
    result.server_tracebacks = len(re.findall(r"^Traceback", log_path.read_text(errors="replace"), re.M))
    print_load_report(result, echo)
    return result


def _warm(url: str, pages: list[tuple[str, str]]) -> None:
    from websockets.sync.client import connect

    with connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=RUN_TIMEOUT) as ws:
        for path, _title in pages:
            _Page(path).run(ws)


def _drive(
    options: LoadOptions,
    result: LoadResult,
    url: str,
    health_url: str,
    pages: list[tuple[str, str]],
    warehouse: Path,
    server_pid: int | None = None,
) -> None:
    deadline = time.monotonic() + options.seconds
    users = [
        threading.Thread(target=SimulatedUser(n, url, pages, options, deadline, result).run, daemon=True)
        for n in range(options.users)
    ]
    helpers = [
        threading.Thread(target=_rebuild_loop, args=(options, warehouse, deadline, result), daemon=True),
        threading.Thread(target=_poll_health, args=(health_url, deadline, result), daemon=True),
    ]
    if server_pid:
        helpers.append(threading.Thread(target=_sample_memory, args=(server_pid, deadline, result), daemon=True))
    for thread in [*users, *helpers]:
        thread.start()
    for thread in [*users, *helpers]:
        thread.join(timeout=options.seconds + RUN_TIMEOUT + 600)


def _rebuild_loop(options: LoadOptions, warehouse: Path, deadline: float, result: LoadResult) -> None:
    """Rebuild the same data into the served warehouse (built beside it, then swapped in) while the users run."""
    next_at = time.monotonic() + options.rebuild_every / 2
    while next_at < deadline:
        time.sleep(max(0.0, next_at - time.monotonic()))
        start = time.perf_counter()
        done = subprocess.run(
            [
                *_niced(options.rebuild_nice),
                sys.executable,
                "-m",
                "loti_demand",
                "build",
                "--data",
                str(options.data),
                "--warehouse",
                str(warehouse),
                "-q",
            ],
            cwd=PROJECT_DIR,
            capture_output=True,
            check=False,
        )
        result.rebuilds.append((start, time.perf_counter(), done.returncode))
        # A rebuild longer than the interval (two minutes at 10M lines) is followed by the next at once, and none
        # starts once the users are done.
        next_at = max(next_at + options.rebuild_every, time.monotonic())


def _niced(nice: int) -> list[str]:
    """The command prefix that runs a command at CPU priority `nice` (coreutils' nice), or none at 0."""
    return ["nice", "-n", str(nice)] if nice else []


def _poll_health(url: str, deadline: float, result: LoadResult) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=10) as answer:
                result.health[answer.status] += 1
        except urllib.error.HTTPError as exc:
            result.health[exc.code] += 1
        except OSError:
            result.health["no answer"] += 1
        time.sleep(2)


MEMORY_EVERY = 10.0  # seconds between two readings of the server's resident memory


def resident_bytes(pid: int) -> int | None:
    """A process's resident set size in bytes (Linux /proc), or None when it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    return int(match.group(1)) * 1024 if match else None


def cpu_seconds(pid: int) -> float | None:
    """A process's CPU time so far, user and system, in seconds (Linux /proc), or None when it cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime and stime, fields 14 and 15


def _sample_memory(pid: int, deadline: float, result: LoadResult) -> None:
    """The server's resident memory every MEMORY_EVERY seconds while the users run (flat means no leak), and the
    CPU time it spent meanwhile."""
    start, cpu_at_start = time.monotonic(), cpu_seconds(pid)
    while time.monotonic() < deadline:
        if (rss := resident_bytes(pid)) is not None:
            result.memory.append((time.monotonic() - start, rss))
        time.sleep(min(MEMORY_EVERY, max(0.0, deadline - time.monotonic())))
    if cpu_at_start is not None and (cpu_at_end := cpu_seconds(pid)) is not None:
        result.server_cpu = cpu_at_end - cpu_at_start


def memory_summary(memory: list[tuple[float, int]]) -> str:
    """'server memory: 310 MB after the first minute, 318 MB at the end (peak 330 MB); every 5 min: ...'."""
    if not memory:
        return "server memory: not measured"
    settled = [rss for seconds, rss in memory if seconds >= 60] or [memory[-1][1]]
    step = max(1, len(memory) // 12)
    in_minutes = memory[-1][0] >= 600  # a short run's points are seconds apart: say when each was taken

    def at(seconds: float) -> str:
        return f"{seconds / 60:.0f} min" if in_minutes else f"{seconds:.0f} s"

    curve = ", ".join(f"{at(seconds)} {rss / 1e6:.0f} MB" for seconds, rss in memory[::step])
    return (
        f"server memory: {settled[0] / 1e6:.0f} MB after the first minute, {memory[-1][1] / 1e6:.0f} MB at the "
        f"end (peak {max(rss for _, rss in memory) / 1e6:.0f} MB); curve: {curve}"
    )


def print_load_report(result: LoadResult, echo: Callable[[str], None] = print) -> None:
    options, times = result.options, result.times()
    echo(
        f"Load test: {options.users} users, {options.seconds:.0f} s, {len(result.samples):,} page runs "
        f"({sum(s.action == 'open' for s in result.samples):,} page opens, "
        f"{sum(s.action == 'filter' for s in result.samples):,} filter changes)"
    )
    if times:
        echo(
            f"  page time: p50 {percentile(times, 50):.2f} s, p95 {percentile(times, 95):.2f} s, "
            f"p99 {percentile(times, 99):.2f} s, max {max(times):.2f} s"
        )
    for name, part in result.by_rebuilds().items():
        if part:
            echo(
                f"    {name}: {len(part):,} runs, p50 {percentile(part, 50):.2f} s, p95 {percentile(part, 95):.2f} s, "
                f"p99 {percentile(part, 99):.2f} s"
            )
    echo(f"  {'page':<24} {'runs':>5} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7}")
    for title in dict.fromkeys(s.page for s in result.samples):
        page_times = result.times(title)
        if page_times:
            echo(
                f"  {title:<24} {len(page_times):>5} {percentile(page_times, 50):>7.2f} "
                f"{percentile(page_times, 95):>7.2f} {percentile(page_times, 99):>7.2f}"
            )
    errors = result.errors
    echo(f"  errors: {sum(errors.values())}" + "".join(f"; {kind}: {n}" for kind, n in errors.most_common()))
    failed = sum(code != 0 for *_, code in result.rebuilds)
    durations = ", ".join(f"{end - start:.0f} s" for start, end, _ in result.rebuilds)
    echo(
        f"  rebuilds swapped in: {len(result.rebuilds) - failed} ({durations}), {result.swaps_under_users()} of them "
        f"before the users' last page run ended; failed: {failed}"
    )
    echo("  health check answers: " + ", ".join(f"{code}: {n}" for code, n in sorted(result.health.items(), key=str)))
    echo(f"  tracebacks in the server log: {result.server_tracebacks}")
    echo(f"  {memory_summary(result.memory)}")
    if result.server_cpu is not None and result.samples:
        echo(
            f"  server CPU: {result.server_cpu:.0f} s in {result.options.seconds:.0f} s, "
            f"{result.server_cpu / len(result.samples) * 1000:.0f} ms a page run (all its threads: the pages, the "
            "event loop, health checks)"
        )
    echo(load_verdict(result))


def load_verdict(result: LoadResult) -> str:
    """Issue 23's target: 25 users for two minutes on the 10M warehouse, rebuilt under them, p95 page time <= 1 s,
    p99 <= 2 s and no errors."""
    options, times = result.options, result.times()
    met = bool(times) and percentile(times, 95) <= 1.0 and percentile(times, 99) <= 2.0 and not result.errors
    met = met and not result.server_tracebacks and result.swaps_under_users() > 0
    scale = (
        ""
        if options.lines >= 10_000_000 and options.users >= 25 and options.seconds >= 120
        else (
            " (the target is for 25 users over 2 minutes on 10,000,000 lines: --users 25 --duration 120 "
            "--load-lines 10000000)"
        )
    )
    return f"verdict{scale}: {'PASS' if met else 'FAIL'}  p95 <= 1 s, p99 <= 2 s, no errors, a rebuild swapped in"
