"""Shared fixtures: the sample warehouse built once per session, paths to the real shared data."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from streamlit.testing.v1 import AppTest

from loti_demand.warehouse.build import build
from loti_demand.warehouse.db import connect

# No per-example deadline: the shared 2-core machine makes timings noisy, and no test here is about speed.
settings.register_profile("loti", deadline=None)
settings.load_profile("loti")

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT / "data" / "sample"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REAL = PROJECT.parent / "shared" / "data" / "real"


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadscope` (pyproject.toml) runs each test file whole on one worker, so its module-scoped fixtures
    are made once; the browser tests, long and with little to share beyond the session's server, are dealt out one
    by one (they come last, so they also even out the workers' finishing times)."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserTestsOneByOne(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return nodeid if nodeid.startswith("tests/browser/") else super()._split_scope(nodeid)

    return BrowserTestsOneByOne(config, log)


def dashboard(warehouse: Path, monkeypatch) -> AppTest:
    """The dashboard on `warehouse`, not yet run (and with no boundaries file unless the test sets one)."""
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(warehouse))
    monkeypatch.delenv("LOTI_DEMAND_BOUNDARIES", raising=False)
    return AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60)


def open_page(warehouse: Path, monkeypatch, page: str, **params: str) -> AppTest:
    """A visitor following a link to `page` on `warehouse`: the dashboard's first run (the Overview), then the page."""
    at = dashboard(warehouse, monkeypatch)
    at.query_params.update(params)
    at.run()
    assert not at.exception, at.exception  # the Overview, which runs first, copes with every warehouse too
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def real_file(relative: str) -> Path:
    """A file under ../shared/data/real, or skip the test cleanly when the shared data is absent."""
    path = REAL / relative
    if not path.exists():
        pytest.skip(f"shared real data not present: {path}")
    return path


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder `make` fills once per test run: under pytest-xdist the first worker to ask builds it while the
    others wait on a lock, then all of them read the same files (so these warehouses are read, never written)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's own temporary folder, shared by its workers
    folder, done = root / f"shared-{name}", root / f"shared-{name}.done"
    with (root / f"shared-{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse built from the committed sample data (read it, never write it)."""

    def make(built: Path) -> None:
        build(SAMPLE, built / "warehouse.duckdb")

    return built_once(tmp_path_factory, "sample", make) / "warehouse.duckdb"


@pytest.fixture
def app(sample_warehouse: Path, monkeypatch) -> AppTest:
    """The page tests' dashboard on the sample warehouse, not yet run: a test sets the link's parameters, runs it
    and switches to its page."""
    return dashboard(sample_warehouse, monkeypatch)


@pytest.fixture
def sample_con(sample_warehouse: Path):
    con = connect(sample_warehouse, read_only=True)
    yield con
    con.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A small data folder: one spend file for Camden, one OCDS package, one challenges file."""
    root = tmp_path / "data"
    shutil.copytree(FIXTURES / "data", root)
    return root


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse built from `data_dir` as committed (read it, or copy it as a warehouse to rebuild over)."""

    def make(built: Path) -> None:
        shutil.copytree(FIXTURES / "data", built / "data")
        build(built / "data", built / "warehouse.duckdb")

    return built_once(tmp_path_factory, "small", make) / "warehouse.duckdb"


@pytest.fixture
def small_con(small_warehouse: Path):
    con = connect(small_warehouse, read_only=True)
    yield con
    con.close()


# The real spend files (../shared/data/real/spend), each under a London borough folder: Lambeth's own file
# under lambeth, the non-London publishers under stand-in boroughs (ingest accepts any --borough for them).
REAL_SPEND_FOLDERS = {
    "lambeth": ["lambeth_2012-06_invoices_over_500.csv"],
    "camden": ["devon_DCCSpendingOver500_201202.csv", "devon_DCCSpendingOver500_202603.csv"],
    "hackney": [
        "oxford_city_expenditure-over-500-jan-mar-2014.csv",
        "oxford_city_expenditure-over-500-jan-mar-2018.csv",
    ],
    "islington": ["trafford-supplier-spend-2026-27.zip"],
}


@pytest.fixture(scope="session")
def real_spend_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from every real spend file that holds payment lines (read it, never write it)."""
    files = {
        (folder, name): real_file(f"spend/{name}") for folder, names in REAL_SPEND_FOLDERS.items() for name in names
    }

    def make(built: Path) -> None:
        for (folder, name), path in files.items():
            (built / "data" / "spend" / folder).mkdir(parents=True, exist_ok=True)
            (built / "data" / "spend" / folder / name).symlink_to(path)
        build(built / "data", built / "warehouse.duckdb")

    return built_once(tmp_path_factory, "real-spend", make) / "warehouse.duckdb"


@pytest.fixture
def real_spend_con(real_spend_warehouse: Path):
    con = connect(real_spend_warehouse, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def demand_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small warehouse whose demand items we control: the Camden spend and challenges fixtures plus
    tests/fixtures/demand/procurement (pipeline, tender and award notices at the rule's edges; data as of
    2025-12-31)."""

    def make(built: Path) -> None:
        for part in ("spend", "challenges"):
            shutil.copytree(FIXTURES / "data" / part, built / "data" / part)
        shutil.copytree(FIXTURES / "demand" / "procurement", built / "data" / "procurement")
        build(built / "data", built / "warehouse.duckdb")

    return built_once(tmp_path_factory, "demand", make) / "warehouse.duckdb"


@pytest.fixture
def demand_con(demand_warehouse: Path):
    con = connect(demand_warehouse, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def search_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small warehouse for the word search and the alerts (tests/fixtures/search): notices and challenges that
    say AI, artificial intelligence or machine learning, and others that only look alike (air quality, repairs);
    data as of 2026-01-01."""

    def make(built: Path) -> None:
        (built / "data" / "procurement").mkdir(parents=True)
        (built / "data" / "challenges").mkdir()
        shutil.copy(FIXTURES / "search" / "ocds_release-package_search.json", built / "data" / "procurement")
        shutil.copy(FIXTURES / "search" / "challenges_search.csv", built / "data" / "challenges")
        build(built / "data", built / "warehouse.duckdb")

    return built_once(tmp_path_factory, "search", make) / "warehouse.duckdb"


@pytest.fixture(scope="session")
def hostile_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`data_dir` plus spend lines, challenges and notices made of hostile strings (tests/test_reliability_injection.py;
    read it, never write it)."""
    from tests.test_reliability_injection import _hostile_data

    def make(built: Path) -> None:
        build(_hostile_data(built), built / "warehouse.duckdb")

    return built_once(tmp_path_factory, "hostile", make) / "warehouse.duckdb"


@pytest.fixture
def search_con(search_warehouse: Path):
    con = connect(search_warehouse, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def partial_warehouses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Warehouses with a source missing, for 'no data' paths: {'spend_only': ..., 'no_spend': ...}."""
    made = {}
    for name, kinds in {"spend_only": ("spend",), "no_spend": ("procurement", "challenges")}.items():

        def make(built: Path, kinds=kinds) -> None:
            for kind in kinds:
                shutil.copytree(FIXTURES / "data" / kind, built / "data" / kind)
            build(built / "data", built / "warehouse.duckdb")

        made[name] = built_once(tmp_path_factory, name, make) / "warehouse.duckdb"
    return made


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Every file a download button offered during the AppTest runs, by file name (the bytes the user gets)."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    captured: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id
    original_deferred = MediaFileManager.add_deferred

    def spy(self, data, mimetype, kind, filename=None):
        captured[filename] = data
        return original(self, data, mimetype, kind, filename)

    def spy_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        captured[file_name] = data_callable()  # what pressing the button would send
        return original_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    monkeypatch.setattr(MediaFileManager, "add_deferred", spy_deferred)
    return captured


# --- axe-core results per page in the test output ------------------------------------------------------------
# The browser tests record each page's axe result as a user property (record_property("axe", ...)); the reports
# carry it to this process even under pytest-xdist, and the terminal summary prints one line per page, whether
# the tests passed or failed.

_AXE_RESULTS: dict[str, dict] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name == "axe":
            result = json.loads(value) if isinstance(value, str) else value
            _AXE_RESULTS[result["page"]] = result


def pytest_terminal_summary(terminalreporter) -> None:
    if not _AXE_RESULTS:
        return
    terminalreporter.write_sep("=", "axe-core accessibility results per page (WCAG 2.2 AA + best practice)")
    width = max(len(p) for p in _AXE_RESULTS)
    terminalreporter.write_line(f"{'page':<{width}}  passes  violations  serious+critical  rules violated")
    for page in sorted(_AXE_RESULTS):
        r = _AXE_RESULTS[page]
        serious = sum(1 for v in r["violations"] if v["impact"] in ("serious", "critical"))
        rules = ", ".join(f"{v['id']} ({v['impact']}, {v['nodes']} nodes)" for v in r["violations"]) or "-"
        terminalreporter.write_line(
            f"{page:<{width}}  {r['passes']:>6}  {len(r['violations']):>10}  {serious:>16}  {rules}"
        )
