"""Caching in loti_demand.ui.data is correct: results are cached per (query, parameters, warehouse version), a
rebuild (the atomic swap) shows new figures without a restart once the new file is warm, and a replaced warehouse's
connection is closed."""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import threading
import time
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from loti_demand import queries, ui
from loti_demand.metrics import MEASURES
from loti_demand.ui import data as ui_data
from loti_demand.warehouse.build import build
from loti_demand.warehouse.db import connect

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
EXTRA_LINE = (
    "Body,Department,Supplier Name,Invoice Creation Date,Invoice Nett Amount,Subj Description,Transaction Number\n"
    'Camden,Digital,Larkspur Systems Ltd,22/04/2025,"40,000.00",Software Licences,T9001\n'
)


@pytest.fixture(autouse=True)
def fresh_caches():
    ui_data._ANSWERS.clear()
    ui_data._connection.clear()
    yield
    ui_data._ANSWERS.clear()
    ui_data._connection.clear()


@pytest.fixture
def served(small_warehouse: Path, tmp_path: Path, monkeypatch) -> Path:
    """A copy of the small warehouse (built from `data_dir` as it is) that the dashboard serves, to rebuild over."""
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(small_warehouse, warehouse)
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(warehouse))
    return warehouse


def _tech_spend_shown(app: AppTest) -> str:
    return next(m.value for m in app.metric if m.label == "Tech spend, last 12 months")


def _tech_spend_in(warehouse: Path) -> str:
    con = connect(warehouse, read_only=True)
    try:
        head = queries.headline(con, as_of=queries.as_of(con))
    finally:
        con.close()
    return MEASURES["tech_spend_gbp"].format(head.iloc[0]["tech_spend_gbp"])


def _wait_until_served(warehouse: Path) -> None:
    """Until the file on disk is the one pages are shown (its warm-up done)."""
    deadline = time.monotonic() + 60
    while ui_data._served_version(warehouse) != ui_data._warehouse_version(warehouse):
        assert time.monotonic() < deadline, "the new warehouse was not served within a minute"
        time.sleep(0.05)


def test_a_rebuild_shows_new_figures_once_it_is_warm(data_dir: Path, served: Path) -> None:
    warehouse = served
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not app.exception, app.exception
    before = _tech_spend_shown(app)
    assert before == _tech_spend_in(warehouse)
    app.run()
    assert _tech_spend_shown(app) == before, "a rerun on the same warehouse shows the same (cached) figure"

    (data_dir / "spend" / "camden" / "extra.csv").write_text(EXTRA_LINE, encoding="utf-8")
    build(data_dir, warehouse)  # swapped in atomically at the same path, as a scheduled rebuild would
    app.run()  # the run that sees the new file starts its warm-up, and shows the old file meanwhile
    assert not app.exception, app.exception
    assert _tech_spend_shown(app) == before
    _wait_until_served(warehouse)
    app.run()
    assert not app.exception, app.exception
    after = _tech_spend_shown(app)
    assert after != before
    assert after == _tech_spend_in(warehouse)


def _counting(monkeypatch, name: str) -> list[dict]:
    """Record every run of the registered query `name` (each run misses the cache)."""
    registered = queries.QUERIES[name]
    calls: list[dict] = []

    def counting(con, **params):
        calls.append(params)
        return registered.function(con, **params)

    monkeypatch.setitem(queries.QUERIES, name, queries.Query(name, counting, registered.example))
    return calls


def _swap_in(other: Path, warehouse: Path) -> None:
    """Swap a copy of another warehouse in over `warehouse`, as a build's last step does (quicker than a build)."""
    copy = warehouse.with_name("new.duckdb")
    shutil.copyfile(other, copy)
    os.replace(copy, warehouse)


def test_the_queries_asked_recently_are_answered_from_a_new_file_before_it_is_served(
    sample_warehouse: Path, served: Path, monkeypatch
) -> None:
    warehouse = served
    calls = _counting(monkeypatch, "headline")
    as_of = ui.as_of()
    earlier, once = as_of - dt.timedelta(days=400), as_of - dt.timedelta(days=800)
    old = {day: ui.query("headline", as_of=day) for day in (as_of, earlier, as_of, earlier, once)}
    assert len(calls) == 3

    _swap_in(sample_warehouse, warehouse)
    assert ui.query("headline", as_of=as_of).equals(old[as_of]), "the old file is shown while the new one warms"
    _wait_until_served(warehouse)
    # The warm-up began before the question that found the new file was counted: each asked twice, the later first;
    # the question asked once is left for whoever asks it again.
    assert [c["as_of"] for c in calls[3:]] == [earlier, as_of], "each query asked often of the old file, once"
    new = ui.query("headline", as_of=as_of)
    assert len(calls) == 5, "the page's next question was answered by the warm-up"
    assert not new.equals(old[as_of])
    con = connect(warehouse, read_only=True)
    try:
        assert new.equals(queries.QUERIES["headline"].function(con, as_of=as_of))
    finally:
        con.close()


def test_with_no_warm_up_a_new_file_is_served_at_once(sample_warehouse: Path, served: Path, monkeypatch) -> None:
    warehouse = served
    monkeypatch.setenv("LOTI_DEMAND_SWAP_WARM_SECONDS", "0")
    as_of = ui.as_of()
    before = ui.query("headline", as_of=as_of)
    _swap_in(sample_warehouse, warehouse)
    assert not ui.query("headline", as_of=as_of).equals(before)


def test_a_damaged_new_file_is_not_warmed_and_its_pages_say_it_cannot_be_read(
    served: Path, tmp_path: Path, monkeypatch
) -> None:
    warehouse = served
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not app.exception, app.exception
    calls = _counting(monkeypatch, "headline")
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes(b"not a warehouse" * 1000)
    os.replace(damaged, warehouse)
    app.run()
    _wait_until_served(warehouse)
    app.run()
    assert not calls, "no query was asked of the damaged file"
    assert [t.value for t in app.title] == ["The data cannot be read just now"]


def test_different_parameters_are_cached_separately(sample_warehouse: Path, monkeypatch) -> None:
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(sample_warehouse))
    calls = _counting(monkeypatch, "headline")
    con = connect(sample_warehouse, read_only=True)
    as_of = queries.as_of(con)
    con.close()
    earlier = as_of - dt.timedelta(days=400)

    first = ui.query("headline", as_of=as_of)
    again = ui.query("headline", as_of=as_of)
    other = ui.query("headline", as_of=earlier)
    assert [c["as_of"] for c in calls] == [as_of, earlier], "one run per parameter set; the repeat came from cache"
    assert first.equals(again)
    assert not first.equals(other), "the two parameter sets give different figures, each cached on its own"


def test_each_version_gets_its_own_connection_and_old_ones_are_released(
    data_dir: Path, small_warehouse: Path, tmp_path: Path, monkeypatch
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LOTI_DEMAND_SWAP_WARM_SECONDS", "0")  # each copy served at once
    shutil.copyfile(small_warehouse, warehouse)  # built from data_dir as it is
    first = ui_data._connection(str(warehouse), ui_data._warehouse_version(warehouse))
    assert ui_data._connection(str(warehouse), ui_data._warehouse_version(warehouse)) is first, (
        "one connection per version"
    )
    (data_dir / "spend" / "camden" / "extra.csv").write_text(EXTRA_LINE, encoding="utf-8")
    report = build(data_dir, warehouse)
    second = ui_data._connection(str(warehouse), ui_data._warehouse_version(warehouse))
    assert second is not first
    assert second.execute("select count(*) from spend").fetchall() == [(report.counts["spend lines loaded"],)]
    # The replaced file's connection is closed once it leaves the cache (at most four versions are kept). Each
    # version here is a copy swapped in over the file, as a build's last step does.
    for i in range(4):
        copy = tmp_path / f"copy{i}.duckdb"
        shutil.copyfile(warehouse, copy)
        os.replace(copy, warehouse)
        ui.query("build_info")
    with pytest.raises(duckdb.ConnectionException):
        first.execute("select 1").fetchall()


def test_names_are_read_once_per_warehouse_version_and_each_caller_gets_its_own(
    small_warehouse: Path, tmp_path: Path, monkeypatch
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(small_warehouse, warehouse)
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LOTI_DEMAND_SWAP_WARM_SECONDS", "0")  # a new file is served at once
    names = ui.borough_names()
    assert len(names) == 33 and names["E09000007"] == "Camden"
    names["E09000007"] = "changed by one caller"
    assert ui.borough_names()["E09000007"] == "Camden", "another caller's names are its own"
    assert ui.borough_names(london_wide=True)["london_wide"] == "London-wide body"
    # A new file whose list names Camden otherwise: its names are read from it.
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse, copy)
    con = duckdb.connect(str(copy))
    con.execute("update boroughs set borough_name = 'Camden (renamed)' where borough_code = 'E09000007'")
    con.close()
    os.replace(copy, warehouse)
    assert ui.borough_names()["E09000007"] == "Camden (renamed)"


def test_a_caller_changing_its_answer_leaves_the_next_callers_answer_alone(sample_warehouse: Path, monkeypatch) -> None:
    """Answers are kept as frames, not pickled copies: each caller gets a shallow copy, and pandas' copy-on-write
    keeps any change a page makes to it (a new column, a value set, a sorted copy) out of the kept answer."""
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(sample_warehouse))
    con = connect(sample_warehouse, read_only=True)
    as_of = queries.as_of(con)
    con.close()
    first = ui.query("tech_spend_by_category", as_of=as_of)
    expected = first.copy(deep=True)
    assert len(first) > 1
    first["tech_spend_gbp"] = 0
    first.loc[first.index[0], "tech_category_label"] = "changed"
    first["added"] = 1
    first.index.name = "renamed"
    second = ui.query("tech_spend_by_category", as_of=as_of)
    assert second is not first
    pd.testing.assert_frame_equal(second, expected)


def test_query_parameters_that_are_not_plain_values_are_refused_as_keys() -> None:
    """The cache key is the parameters' text: a value whose text could leave part of it out (an array, a frame)
    is refused rather than risk two answers under one key."""
    assert ui_data._key(("q", (("boroughs", ("E09000007",)), ("end", dt.date(2026, 3, 31))))) == (
        "('q', (('boroughs', ('E09000007',)), ('end', datetime.date(2026, 3, 31))))"
    )
    assert ui_data._key(("q", (("limit", np.int64(5)),))) != ui_data._key(("q", (("limit", "5"),)))
    for value in (np.arange(2000), pd.DataFrame({"a": [1]}), {"a": 1}, object()):
        with pytest.raises(TypeError):
            ui_data._key(("q", (("x", value),)))


def _bars(frame: pd.DataFrame, *, title: str) -> go.Figure:
    _bars.calls += 1
    return go.Figure([go.Bar(x=frame["name"], y=frame["value"])], layout={"title": {"text": title}})


_bars.calls = 0


def test_kept_values_are_made_once_per_key_by_one_caller_and_the_oldest_forgotten_first() -> None:
    kept = ui_data.Kept(2)
    made: list[str] = []
    started = threading.Event()
    release = threading.Event()

    def slow() -> str:
        made.append("slow")
        started.set()
        release.wait(10)
        return "answer"

    answers: list[str] = []
    callers = [threading.Thread(target=lambda: answers.append(kept.get("a", slow))) for _ in range(5)]
    callers[0].start()
    started.wait(10)
    for caller in callers[1:]:
        caller.start()
    time.sleep(0.2)  # the other four are asking while the first is still making it
    release.set()
    for caller in callers:
        caller.join(10)
    assert answers == ["answer"] * 5 and made == ["slow"], "made once; the others waited for it"

    def failing() -> str:
        made.append("failing")
        raise ValueError("no answer")

    with pytest.raises(ValueError):
        kept.get("b", failing)
    assert kept.get("b", lambda: "second try") == "second try", "a failure keeps nothing"
    kept.get("a", slow)  # asked again: now the most recently used
    assert kept.get("c", lambda: "c") == "c"
    assert kept.get("a", lambda: "made again") == "answer", "'b' was the least recently used, so it went"
    assert kept.get("b", lambda: "made again") == "made again"


def test_kept_values_within_a_budget_of_bytes_forget_the_least_recently_used_first() -> None:
    kept = ui_data.Kept(100, budget=100, weigh=len)
    assert kept.get("a", lambda: "x" * 40) == "x" * 40
    assert kept.get("b", lambda: "y" * 40) == "y" * 40
    kept.get("a", lambda: "made again")  # now the most recently used
    assert kept.get("c", lambda: "z" * 30) == "z" * 30  # 110 bytes: 'b' goes
    assert kept.get("a", lambda: "made again") == "x" * 40, "kept"
    assert kept.get("b", lambda: "v" * 40) == "v" * 40, "made again"  # 110 bytes: 'c' goes
    assert kept.get("c", lambda: "c again") == "c again"  # 87 bytes: all kept
    assert kept.get("a", lambda: "made again") == "x" * 40
    too_big = "w" * 101
    assert kept.get("d", lambda: too_big) is too_big, "a value over the whole budget is given, and not kept"
    assert kept.get("d", lambda: "made again") == "made again"
    assert kept.get("c", lambda: "forgotten") == "forgotten", "keeping the value over the budget forgot the rest"


def test_the_weight_of_a_kept_value_counts_its_frames_and_tables() -> None:
    frame = pd.DataFrame(
        {
            "name": ["Camden", "Hackney"] * 1000,
            "value": [1.5, 2.5] * 1000,
            "amount": [Decimal("1.50"), None] * 1000,  # object columns: each object's bytes
            "suppliers": [["Acme Ltd", "Beta plc"], []] * 1000,
            "month": pd.to_datetime(["2026-04-01", "2026-05-01"] * 1000),
        },
        index=pd.Index([f"line {n}" for n in range(2000)]),
    )
    table = pa.table({"value": list(range(10_000))})
    assert ui_data.weight(frame) == frame.memory_usage(deep=True, index=True).sum() > 200_000
    assert ui_data.weight(table) == table.nbytes >= 80_000
    assert ui_data.weight((frame, table, {"name": "a column"})) == (
        ui_data.weight(frame) + table.nbytes + ui_data.SMALL_VALUE
    )
    assert ui_data.weight(go.Figure([go.Bar(x=["Camden"], y=[1.5])])) == ui_data.SMALL_VALUE


def test_a_chart_is_built_once_for_the_same_rows_and_again_when_any_differs() -> None:
    ui_data._MADE.clear()
    rows = pd.DataFrame({"name": ["Camden", "Hackney"], "value": [1.5, 2.5]})
    first = ui.cached(_bars, rows, title="Spend")
    assert _bars.calls == 1
    assert ui.cached(_bars, rows.copy(deep=True), title="Spend") is first, "equal contents: the kept figure"
    changed = [
        (rows.assign(value=[1.5, 2.6]), "Spend"),  # one value
        (rows.astype({"value": "float32"}), "Spend"),  # the same numbers as another type
        (rows.iloc[::-1], "Spend"),  # the same rows in another order
        (rows.set_axis([5, 6]), "Spend"),  # another index
        (rows, "Spend per resident"),  # another title
    ]
    for frame, title in changed:
        built = ui.cached(_bars, frame, title=title)
        assert built is not first
        assert list(built.data[0].x) == list(frame["name"]) and built.layout.title.text == title
    assert _bars.calls == 1 + len(changed)
    # Values whose text would leave part out are compared whole: a long array differing in one element.
    long = pd.DataFrame({"name": [f"n{i}" for i in range(3000)], "value": np.arange(3000.0)})
    edited = long.copy()
    edited.loc[1500, "value"] = -1.0
    assert ui.cached(_bars, long, title="Long") is not ui.cached(_bars, edited, title="Long")
    assert _bars.calls == 3 + len(changed)
    unpicklable = lambda: None  # noqa: E731  an argument with no key: the chart is built each time
    ui.cached(_shown_with, rows, extra=unpicklable)
    ui.cached(_shown_with, rows, extra=unpicklable)
    assert _bars.calls == 5 + len(changed)


def _category_bars(frame: pd.DataFrame) -> go.Figure:
    _category_bars.made.append(frame.copy(deep=True))
    return go.Figure([go.Bar(x=frame.iloc[:, 1], y=frame.iloc[:, 2])])


_category_bars.made = []

# Every way a page could change the frame query() gave it, in place (each on a fresh copy of the answer).
IN_PLACE_CHANGES = {
    "a value set by label": lambda f: f.loc.__setitem__((f.index[0], "tech_spend_gbp"), -1.0),
    "a text set by position": lambda f: f.iloc.__setitem__((0, 1), "changed"),
    "a value set with at": lambda f: f.at.__setitem__((f.index[-1], "tech_spend_gbp"), -2.0),
    "values set where a mask holds": lambda f: f.loc.__setitem__((f["tech_spend_gbp"] > 0, "lines"), 0),
    "a column replaced": lambda f: f.__setitem__("tech_spend_gbp", f["tech_spend_gbp"] * 2),
    "a column added": lambda f: f.__setitem__("added", 1),
    "a column inserted first": lambda f: f.insert(0, "first", "x"),
    "a column popped": lambda f: f.pop("tech_category"),
    "a column deleted": lambda f: f.__delitem__("tech_category"),
    "missing values filled": lambda f: f.fillna({"tech_spend_gbp": 0.0}, inplace=True),
    "rows updated from another frame": lambda f: f.update(pd.DataFrame({"lines": [10**9]}, index=f.index[:1])),
    "columns renamed": lambda f: setattr(f, "columns", [f"c{i}" for i in range(f.shape[1])]),
    "another index": lambda f: setattr(f, "index", range(100, 100 + len(f))),
    "the index named": lambda f: setattr(f.index, "name", "row"),
    "the columns named": lambda f: setattr(f.columns, "name", "field"),
    "a note in attrs": lambda f: f.attrs.update(note="changed"),
}


@pytest.mark.parametrize("change", IN_PLACE_CHANGES)
def test_a_query_answer_is_compared_by_its_query_until_its_caller_changes_it(
    change: str, sample_warehouse: Path, monkeypatch
) -> None:
    """cached() compares a frame query() handed out, unchanged, by its query's key rather than by its pickled rows;
    a copy changed in place in any way is compared by its rows again, so what is made from it shows the change."""
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(sample_warehouse))
    ui_data._MADE.clear()
    _category_bars.made.clear()
    con = connect(sample_warehouse, read_only=True)
    as_of = queries.as_of(con)
    con.close()
    columns = ["tech_category", "tech_category_label", "tech_spend_gbp", "lines"]
    answer = ui.query("tech_spend_by_category", as_of=as_of)
    assert list(answer.columns[: len(columns)]) == columns and len(answer) > 1
    assert ui_data.is_unchanged_answer(answer)
    first = ui.cached(_category_bars, answer)
    again = ui.query("tech_spend_by_category", as_of=as_of)
    assert ui_data.is_unchanged_answer(again) and ui.cached(_category_bars, again) is first
    assert len(_category_bars.made) == 1
    # Once the kept answer is forgotten (and no other caller holds it), the copy's record still holds it, so a
    # change still gives the copy new arrays rather than writing into the ones recorded.
    del answer
    ui_data._ANSWERS.clear()
    gc.collect()
    expected = again.copy(deep=True)
    IN_PLACE_CHANGES[change](expected)
    IN_PLACE_CHANGES[change](again)
    assert not ui_data.is_unchanged_answer(again)
    assert ui.cached(_category_bars, again) is not first
    assert len(_category_bars.made) == 2
    pd.testing.assert_frame_equal(_category_bars.made[-1], expected)
    assert expected.attrs == _category_bars.made[-1].attrs
    assert ui.cached(_category_bars, ui.query("tech_spend_by_category", as_of=as_of)) is first, "a new caller's copy"


def test_an_answer_handed_out_is_recorded_only_while_its_caller_holds_it(sample_warehouse: Path, monkeypatch) -> None:
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(sample_warehouse))
    before = len(ui_data._AnswerOf._HANDED)
    answers = [ui.query("borough_list") for _ in range(5)]
    assert len(ui_data._AnswerOf._HANDED) == before + 5
    derived = answers[0].head(3)  # a frame made from an answer is not the answer
    assert not ui_data.is_unchanged_answer(derived) and not ui_data.is_unchanged_answer(answers[0].copy())
    del answers, derived
    gc.collect()
    assert len(ui_data._AnswerOf._HANDED) == before


def _shown_with(frame: pd.DataFrame, *, extra: object) -> go.Figure:
    return _bars(frame, title=repr(extra))


LINKED = ["supplier?supplier=S1#Acme%20Systems", "supplier?supplier=S2#Bolt%20Digital"]


def _kept_table_app() -> None:
    import pandas as pd
    import streamlit as st

    from loti_demand import ui

    rows = pd.DataFrame(
        {
            "supplier_name": ["Acme Systems", "Bolt Digital"],
            "supplier_id": ["S1", "S2"],
            "tech_spend_gbp": st.session_state.get("spend", [1500.0, 2500.0]),
        }
    )
    ui.table(rows, ["supplier_name", "tech_spend_gbp"], key="kept", name="kept")
    rows.loc[0, "tech_spend_gbp"] = -1.0  # the page changing its frame afterwards reaches nothing kept


def test_a_kept_table_is_shown_only_for_the_same_rows(sample_warehouse: Path, monkeypatch, downloads: dict) -> None:
    """ui.table makes a table ready once for the same rows and keeps it: the grid, its supplier links and the CSV
    follow the rows when any value changes, and come back unchanged when the rows do."""
    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(sample_warehouse))  # the supplier links below the table
    app = AppTest.from_function(_kept_table_app).run()
    runs = []
    for spend in ([1500.0, 2500.0], [1500.0, 2600.0], [1500.0, 2500.0]):
        app.session_state["spend"] = spend
        app.run()
        assert not app.exception, app.exception
        grid = app.dataframe[0].value
        runs.append(grid)
        # The grid is sent as Arrow made once; the browser gets the bytes Streamlit makes of the frame shown.
        assert app.dataframe[0].proto.arrow_data.data == dataframe_util.convert_pandas_df_to_arrow_bytes(
            pd.DataFrame({"supplier_name": LINKED, "tech_spend_gbp": spend})
        )
        assert grid["tech_spend_gbp"].tolist() == spend
        assert grid["supplier_name"].tolist() == LINKED
        (kept,) = downloads  # kept_as_of_<the sample's data-as-of date>.csv
        assert downloads[kept].decode("utf-8-sig").splitlines()[1:] == [
            f"Acme Systems,{spend[0]:g}",  # whole pounds without '.0', as the screen shows them
            f"Bolt Digital,{spend[1]:g}",
        ]
    pd.testing.assert_frame_equal(runs[0], runs[2])


def test_the_page_registry_is_made_once_and_each_run_navigates_its_own_copies(
    sample_warehouse: Path, monkeypatch
) -> None:
    """dashboard.py makes its st.Page objects once per server process (ui.made_once), not on every run: two sessions'
    runs of different pages make none after the first, and each still shows the page it asked for."""
    import streamlit

    from loti_demand.navigation import registered_pages
    from loti_demand.ui import page as ui_page

    monkeypatch.setenv("LOTI_DEMAND_WAREHOUSE", str(sample_warehouse))
    monkeypatch.setattr(ui_page, "_ONCE", ui_data.Kept(16))
    made = []

    class CountedPage(streamlit.Page):
        def __init__(self, *args, **kwargs) -> None:
            made.append(args[0])
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(streamlit, "Page", CountedPage)
    first, second = AppTest.from_file(DASHBOARD, default_timeout=60), AppTest.from_file(DASHBOARD, default_timeout=60)
    first.run()
    second.run()
    second.switch_page("pages/exports.py").run()
    first.switch_page("pages/coverage.py").run()
    assert made == [page.path for page in registered_pages()]  # the first run made each once; no later run made any
    assert not first.exception and not second.exception
    assert first.title[0].value == "Data and coverage" and second.title[0].value == "Exports"
