"""The Streamlit server settings docs/deployment.md promises."""

from __future__ import annotations

import tomllib
from pathlib import Path

from streamlit.testing.v1 import AppTest

PROJECT = Path(__file__).resolve().parent.parent
CONFIG = PROJECT / ".streamlit" / "config.toml"


def test_config_hides_errors_keeps_xsrf_and_caps_uploads() -> None:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "minimal"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"].get("enableCORS", True) is True, "CORS protection stays on (XSRF needs it)"
    assert 1 <= config["server"]["maxUploadSize"] <= 50
    assert config["server"]["headless"] is True
    assert config["browser"]["gatherUsageStats"] is False
    # Under load, a full garbage collection after every run and a watcher on every source file starved sessions.
    assert config["runner"]["postScriptGC"] is False
    assert config["server"]["fileWatcherType"] == "none"
    deployment = (PROJECT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for setting in ("showErrorDetails", "enableXsrfProtection", "maxUploadSize"):
        assert setting in deployment, f"{setting} is not explained in docs/deployment.md"


def test_a_failing_page_shows_no_error_details() -> None:
    # AppTest runs with the project's .streamlit/config.toml (the tests run from the project folder).
    at = AppTest.from_string("raise ValueError('secret /srv/loti/warehouse.duckdb detail')").run()
    [error] = at.exception
    assert "secret" not in error.message and "warehouse.duckdb" not in error.message
    assert "redacted" in error.message.lower() and error.stack_trace == []


def test_no_page_accepts_uploads() -> None:
    sources = [
        *(PROJECT / "pages").glob("*.py"),
        *(PROJECT / "loti_demand" / "ui").glob("*.py"),
        PROJECT / "dashboard.py",
    ]
    assert [p.name for p in sources if "file_uploader" in p.read_text(encoding="utf-8")] == [], (
        "a page takes uploads: review server.maxUploadSize and validate uploaded files like CLI inputs"
    )


def test_the_server_collects_garbage_less_often() -> None:
    """serve.py sets the collector's thresholds for the server process (docs/performance.md, "Load test")."""
    import subprocess
    import sys

    code = "import gc, runpy; runpy.run_path('serve.py'); print(gc.get_threshold())"
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "(50000, 20, 10)"
