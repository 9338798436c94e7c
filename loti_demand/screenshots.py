"""Take a full-page screenshot of every registered dashboard page in headless Chromium, for the README and for
reviewing changes: `python -m loti_demand screenshots --out docs/screenshots`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from loti_demand.config import PROJECT_DIR
from loti_demand.exceptions import LotiDemandError
from loti_demand.navigation import registered_pages

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(warehouse: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "LOTI_DEMAND_WAREHOUSE": str(warehouse)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise LotiDemandError("the Streamlit server did not start within 60 s")


def take_screenshots(warehouse: Path, out: Path, *, echo: Callable[[str], None] = print,
                     width: int = 1400) -> list[Path]:
    """Serve the dashboard on `warehouse` and save one PNG per registered page into `out`."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        raise LotiDemandError("Chromium is needed for screenshots: install Debian's `chromium` package")
    if not Path(warehouse).exists():
        raise LotiDemandError(f"{warehouse}: no warehouse; build one first")
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    server = _start_server(warehouse, port)
    saved = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": width, "height": 1000})
            for info in registered_pages():
                page.goto(f"http://127.0.0.1:{port}/{info.url_path}")
                page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=90_000)
                page.wait_for_selector('[data-testid="stMain"] h1', timeout=90_000)
                page.wait_for_timeout(1500)  # let plotly finish drawing
                target = out / f"{Path(info.path).stem}.png"
                page.screenshot(path=str(target), full_page=True)
                echo(f"  {info.title}: {target}")
                saved.append(target)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return saved
