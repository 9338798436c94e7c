"""Serve the dashboard (or another Streamlit script) on a free local port and wait until it answers: the one way
the screenshots, the benchmark, the load test and the browser tests start Streamlit."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from loti_demand.config import PROJECT_DIR
from loti_demand.exceptions import LotiDemandError

START_SECONDS = 60
STOP_SECONDS = 30


@dataclass(frozen=True)
class LocalServer:
    url: str  # http://127.0.0.1:<port>
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _command(script: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]


def _wait_until_healthy(url: str, process: subprocess.Popen, log: Path | None) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:  # a server that exited will not answer
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.3)
    tail = ":\n" + log.read_text(errors="replace")[-2000:] if log else ""
    raise LotiDemandError(f"the Streamlit server did not start within {START_SECONDS} s{tail}")


@contextmanager
def local_server(
    warehouse: Path, *, script: str = "dashboard.py", env: Mapping[str, str] | None = None, log: Path | None = None
) -> Iterator[LocalServer]:
    """Run `script` (a path from the project folder) over `warehouse` on 127.0.0.1 at a free port, headless, with
    `env` added to the environment and its output written to `log` (else discarded); yield it once its health
    check answers "ok", and stop it on leaving."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with ExitStack() as stack:
        out = stack.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        process = subprocess.Popen(
            _command(script, port),
            cwd=PROJECT_DIR,
            env={**os.environ, "LOTI_DEMAND_WAREHOUSE": str(warehouse), **(env or {})},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(url, process, log)
            yield LocalServer(url, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
