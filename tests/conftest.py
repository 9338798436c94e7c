"""Shared fixtures: the sample warehouse built once per session, paths to the real shared data."""

from __future__ import annotations

import json
import shutil
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


def open_page(warehouse: Path, monkeypatch, page: str, **params: str) -> AppTest:
    """A visitor following a link to `page` on `warehouse`: the dashboard's first run (the Overview), then the page."""
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60)
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


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The warehouse built from the committed sample data (read it, never write it)."""
    path = tmp_path_factory.mktemp("sample") / "warehouse.duckdb"
    build(SAMPLE, path)
    return path


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


# The real spend files (../shared/data/real/spend), each under a London borough folder: Lambeth's own file
# under lambeth, the non-London publishers under stand-in boroughs (ingest accepts any --borough for them).
REAL_SPEND_FOLDERS = {
    "lambeth": ["lambeth_2012-06_invoices_over_500.csv"],
    "camden": ["devon_DCCSpendingOver500_201202.csv", "devon_DCCSpendingOver500_202603.csv"],
    "hackney": ["oxford_city_expenditure-over-500-jan-mar-2014.csv",
                "oxford_city_expenditure-over-500-jan-mar-2018.csv"],
    "islington": ["trafford-supplier-spend-2026-27.zip"],
}


@pytest.fixture(scope="session")
def real_spend_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built from every real spend file that holds payment lines (read it, never write it)."""
    root = tmp_path_factory.mktemp("real") / "data"
    for folder, names in REAL_SPEND_FOLDERS.items():
        (root / "spend" / folder).mkdir(parents=True)
        for name in names:
            (root / "spend" / folder / name).symlink_to(real_file(f"spend/{name}"))
    path = root.parent / "warehouse.duckdb"
    build(root, path)
    return path


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
    root = tmp_path_factory.mktemp("demand") / "data"
    for part in ("spend", "challenges"):
        shutil.copytree(FIXTURES / "data" / part, root / part)
    shutil.copytree(FIXTURES / "demand" / "procurement", root / "procurement")
    path = root.parent / "warehouse.duckdb"
    build(root, path)
    return path


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
    root = tmp_path_factory.mktemp("search") / "data"
    (root / "procurement").mkdir(parents=True)
    (root / "challenges").mkdir()
    shutil.copy(FIXTURES / "search" / "ocds_release-package_search.json", root / "procurement")
    shutil.copy(FIXTURES / "search" / "challenges_search.csv", root / "challenges")
    path = root.parent / "warehouse.duckdb"
    build(root, path)
    return path


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
        root = tmp_path_factory.mktemp(name)
        for kind in kinds:
            shutil.copytree(FIXTURES / "data" / kind, root / "data" / kind)
        build(root / "data", root / "warehouse.duckdb")
        made[name] = root / "warehouse.duckdb"
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
        terminalreporter.write_line(f"{page:<{width}}  {r['passes']:>6}  {len(r['violations']):>10}  "
                                    f"{serious:>16}  {rules}")
