"""Connection and cache: the cached read-only warehouse connection, `query` (a registered query cached by its
parameters and the warehouse version), the first-run build and the page shown when the warehouse cannot be read,
and the lookups every page shares (data-as-of date, periods, names and labels, filter choices, boundaries)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import pickle
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NamedTuple, TypeVar

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from loti_demand import config, queries
from loti_demand.exceptions import LotiDemandError, WarehouseUnreadableError
from loti_demand.warehouse import health

if TYPE_CHECKING:
    from loti_demand.reference import Region

T = TypeVar("T")


def warehouse_path() -> Path:
    return config.path("warehouse")


def _warehouse_version(path: Path) -> tuple[int, int]:
    """Changes whenever a build swaps in a new file (a new inode, a new mtime), which invalidates every cache
    below: results are cached per (query, parameters, warehouse path, version)."""
    return health.version(path)


def _close(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):
        con.close()


def _is_open(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        con.cursor().close()
    except duckdb.ConnectionException:
        return False
    return True


# Each warehouse version gets its own connection (warehouse.db.connect ATTACHes the file in a fresh instance, so a
# new version is never served from DuckDB's per-path instance cache); when a version leaves the cache its
# connection is closed, which releases the replaced file instead of keeping it open (and on disk) for ever.
@st.cache_resource(max_entries=4, on_release=_close, validate=_is_open, show_spinner=False)
def _connection(path: str, version: tuple[int, int]) -> duckdb.DuckDBPyConnection:
    from loti_demand.warehouse.db import connect, lock_down

    return lock_down(connect(path, read_only=True))


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the warehouse being served (one cached read-only connection per warehouse version)."""
    from loti_demand.warehouse.db import cursor

    path = warehouse_path()
    return cursor(_connection(str(path), _served_version(path)))


# A rebuild swaps a new file in at the warehouse's path. Served at once, every page's every query would be asked of
# it again in the same few seconds, each session waiting on the others' (and on the read-through of the new file by
# its health check). Instead, the first page run that sees the new file starts one thread that checks it, then asks
# it the queries asked most often of the old one, and only then serves it; pages show the old file meanwhile (its
# connection stays open, so it stays readable after the swap). A warm-up that takes longer than the setting
# swap_warm_seconds serves the new file anyway, and 0 serves every new file at once. Only queries asked more than
# once are warmed: under the load test's random filters, warming every one of the last few hundred cost the server
# more time than it saved.
_RECENT_QUERIES = 512  # the distinct queries remembered per warehouse path, the least recently asked forgotten first
_WARM_QUERIES = 128  # the most a warm-up asks


@dataclass
class _Serving:
    version: tuple[int, int]  # the version pages are shown
    recent: dict[str, tuple[str, tuple, int]] = field(default_factory=dict)  # query key -> (name, params, times asked)
    warming: tuple[int, int] | None = None  # the new version being warmed, if any
    warm_started: float = 0.0


_SERVING: dict[str, _Serving] = {}
_SERVING_LOCK = threading.Lock()


def _served_version(path: Path) -> tuple[int, int]:
    """The warehouse version pages are shown: the file on disk, or while a new file is being warmed the one before."""
    on_disk = _warehouse_version(path)
    limit = float(config.get("swap_warm_seconds"))
    with _SERVING_LOCK:
        state = _SERVING.get(str(path))
        if state is None:
            _SERVING[str(path)] = state = _Serving(on_disk)
        if state.version == on_disk:
            return on_disk
        if limit <= 0 or (0, 0) in (state.version, on_disk) or not state.recent:  # nothing to warm
            state.version, state.warming = on_disk, None
            return on_disk
        if state.warming != on_disk:
            state.warming, state.warm_started = on_disk, time.monotonic()
            often = [(key, name, params, n) for key, (name, params, n) in reversed(state.recent.items()) if n > 1]
            often.sort(key=lambda q: -q[3])  # most asked first, then most recent (the sort is stable)
            asked = [q[:3] for q in often[:_WARM_QUERIES]]
            threading.Thread(target=_warm, args=(path, on_disk, asked, limit), daemon=True, name="warm").start()
        elif time.monotonic() - state.warm_started > limit:
            _serve(str(path), on_disk)
            return on_disk
        return state.version


def _serve(path: str, version: tuple[int, int]) -> None:
    """Show pages `version` from now on (called with _SERVING_LOCK held)."""
    state = _SERVING[path]
    if state.warming == version:
        state.version, state.warming = version, None


def _warm(path: Path, version: tuple[int, int], asked: list, limit: float) -> None:
    deadline = time.monotonic() + limit
    try:
        # A damaged file is served at once: its pages then show why (ensure_warehouse).
        if health.problem(path) is None and health.version(path) == version:
            for key, name, params in asked:
                if time.monotonic() > deadline:
                    break
                _answer(key, name, str(path), version, params)
    except (LotiDemandError, duckdb.Error):  # the pages will meet it, and say so
        pass
    finally:
        with _SERVING_LOCK:
            _serve(str(path), version)


def _remember_asked(path: Path, key: str, name: str, params: tuple[tuple[str, object], ...]) -> None:
    with _SERVING_LOCK:  # query() has asked _served_version first, so the path has its state
        recent = _SERVING[str(path)].recent
        times = recent.pop(key, (None, None, 0))[2]
        recent[key] = (name, params, times + 1)
        if len(recent) > _RECENT_QUERIES:
            del recent[next(iter(recent))]


class Kept:
    """Values kept by a text key, the least recently used forgotten first beyond `size` values or, given `weigh`
    (a value's bytes), beyond `budget` bytes; each made once, by the first caller, while the others asking for the
    same key wait for it (a maker that fails keeps nothing, and the next caller tries again).

    The keys are already text (query() and cached() make them), so this does what st.cache_resource did for them
    without its hashing of the arguments and reading of the function's signature on every call: 75 us a call, and
    a page run asks it for 15 to 27 answers, charts and tables."""

    def __init__(self, size: int, *, budget: int | None = None, weigh: Callable[[object], int] | None = None) -> None:
        self.size, self.budget, self.weigh = size, budget, weigh
        self._values: OrderedDict[str, tuple[object, int]] = OrderedDict()  # key: (value, its bytes)
        self._bytes = 0
        self._making: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, key: str, make: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key][0]
            making = self._making.setdefault(key, threading.Lock())
        with making:  # one maker per key: the others wait here, then find its value
            with self._lock:
                if key in self._values:
                    self._values.move_to_end(key)
                    return self._values[key][0]
            try:
                value = make()
                held = self.weigh(value) if self.weigh else 0
                with self._lock:
                    self._values[key] = (value, held)
                    self._bytes += held
                    while len(self._values) > self.size or (self.budget is not None and self._bytes > self.budget):
                        self._bytes -= self._values.popitem(last=False)[1][1]
            finally:
                with self._lock:
                    self._making.pop(key, None)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._bytes = 0


SMALL_VALUE = 64 << 10


def weight(value: object) -> int:
    """About the bytes a kept value holds: a frame's or Arrow table's own, a tuple's parts summed, anything else
    (a chart's figure: a few kB to a few hundred) SMALL_VALUE. A table made ready to show shares most of its rows
    with its query's answer, so it is counted twice: the budgets err on the safe side."""
    if isinstance(value, pd.DataFrame):
        # DataFrame.memory_usage's own answer, summed column by column: it builds a Series of the sizes, three
        # times the cost, and this runs for every answer, chart and table made.
        return int(
            value.index.memory_usage(deep=True)
            + sum(
                column.memory_usage(deep=True, index=False) if column.dtype == object else column.array.nbytes
                for _, column in value.items()
            )
        )
    if isinstance(value, pa.Table):
        return value.nbytes
    if isinstance(value, tuple):
        return sum(weight(part) for part in value)
    return SMALL_VALUE


# Answers are kept as the frames themselves, and each caller gets a shallow copy: pandas' copy-on-write makes any
# change to it (a new column, a sorted copy, a value set) leave the kept frame alone. st.cache_data would keep
# them pickled and unpickle one for every caller, which was a tenth of the server's time under load. The key is
# the arguments' text (query name, path, version and parameters: text, numbers, dates, None and tuples of them):
# Streamlit's own hashing of them took 0.17 ms a query, several milliseconds of a page. They are kept by their
# bytes rather than their number: a page's filters make hundreds of answers of a few rows (the Borough profile
# asks nine questions for each borough and period), and a count low enough for the few answers of megabytes forgot
# those and worked them out again (ANSWER_BYTES, CHART_BYTES: see docs/performance.md, "Load test").
ANSWER_BYTES = 256 << 20
CHART_BYTES = 128 << 20
_ANSWERS = Kept(100_000, budget=ANSWER_BYTES, weigh=weight)


def _answer(key: str, name: str, path: str, version: tuple[int, int], params: tuple) -> pd.DataFrame:
    """The kept answer of query `key` (its name and parameters' text, _key) from this version of the warehouse."""

    def make() -> pd.DataFrame:
        # The connection of exactly this version: re-reading the version here could keep new data under an old key.
        try:
            return _run(name, path, version, params)
        except duckdb.ConnectionException:
            # A rebuild was swapped in (and the old connection closed) while this ran: answer from the new file.
            return _run(name, path, _warehouse_version(Path(path)), params)

    return _ANSWERS.get(key + repr((path, version)), make)


class _Handed(NamedTuple):
    copy: weakref.ref  # the shallow copy a caller was given, weakly
    answer: pd.DataFrame  # the kept answer it is a copy of, held while the copy lives
    parts: tuple  # the copy's columns, index and arrays of values as handed out
    key: str  # the answer's key in _ANSWERS


@dataclass(frozen=True)
class _AnswerOf:
    """What stands for a query's answer in cached()'s keys while its caller has not changed it: the key it is kept
    by (its query, parameters, warehouse path and version).

    Pickling a frame to compare it costs about 0.5 ms a thousand rows: at 10M lines the Demand calendar's chart and
    table took 14 to 16 ms a run to compare. Each caller of query() gets a shallow copy of the kept answer, whose
    columns, index and arrays of values are recorded as it is handed out. pandas' copy-on-write gives the copy a new
    array as soon as anything in it is set, and setting its columns or index (or adding, dropping or sorting) gives
    it new ones, so a copy whose parts are still the very objects recorded holds the answer's values. That holds
    because the kept answer shares those arrays: its record keeps it alive as long as the copy."""

    key: str

    _HANDED: ClassVar[dict[int, _Handed]] = {}  # id(copy) -> its record, dropped when the copy is gone

    @classmethod
    def hand_out(cls, answer: pd.DataFrame, key: str) -> pd.DataFrame:
        """A shallow copy of the kept `answer` for a caller, recorded until it is gone."""
        copy = answer.copy(deep=False)
        cls._HANDED[id(copy)] = _Handed(weakref.ref(copy), answer, cls._parts(copy), key)
        weakref.finalize(copy, cls._HANDED.pop, id(copy), None)
        return copy

    @staticmethod
    def _parts(frame: pd.DataFrame) -> tuple:
        # pandas has no public view of a frame's arrays of values: each column taken as a Series is a new object.
        return (frame.columns, frame.index, *frame._mgr.arrays)

    @classmethod
    def of(cls, value: object) -> object:
        """`value` as cached() compares it: an _AnswerOf for a query's answer as handed out, unchanged; else itself."""
        if not isinstance(value, pd.DataFrame):
            return value
        handed = cls._HANDED.get(id(value))
        if handed is None or handed.copy() is not value or value.attrs:
            return value
        names = (value.columns.names, value.index.names) == (handed.answer.columns.names, handed.answer.index.names)
        parts = cls._parts(value)
        if names and len(parts) == len(handed.parts) and all(a is b for a, b in zip(parts, handed.parts, strict=True)):
            return cls(handed.key)
        return value


def is_unchanged_answer(value: object) -> bool:
    """Whether `value` is a query's answer as query() handed it out, unchanged (see _AnswerOf)."""
    return isinstance(_AnswerOf.of(value), _AnswerOf)


_KEY_TYPES = (str, int, float, bool, type(None), dt.date, np.generic)  # values whose text is the whole value


def _key(value: object) -> str:
    """The text of a query's arguments, its cache key: one value per text, since each is text, a number, a date,
    None or a list or tuple of them (anything else, whose text might leave out part of it, is refused)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, list | tuple):
            pending.extend(item)
        elif not isinstance(item, _KEY_TYPES):
            raise TypeError(f"a query parameter of type {type(item).__name__} cannot be a cache key")
    return repr(value)


def _run(name: str, path: str, version: tuple[int, int], params: tuple[tuple[str, object], ...]) -> pd.DataFrame:
    from loti_demand.warehouse.db import cursor

    cur = cursor(_connection(path, version))
    try:
        return queries.QUERIES[name].function(cur, **dict(params))
    finally:
        cur.close()


def query_later(name: str, **params: object) -> Callable[[], pd.DataFrame]:
    """A registered query asked only when called, not kept: the rows of a download that only a press of its button
    needs (the whole supplier list beside its top ten), so a page run does not work them out. Of the warehouse
    version this run reads; of the one served then if that one has been closed since (a rebuild swapped in)."""
    from loti_demand.warehouse.db import cursor

    path = warehouse_path()
    version = _served_version(path)
    con = _connection(str(path), version)  # taken now: the press is answered outside the page's run

    def ask() -> pd.DataFrame:
        try:
            cur = cursor(con)
        except duckdb.ConnectionException:
            return _run(name, str(path), _warehouse_version(path), tuple(params.items()))
        try:
            return queries.QUERIES[name].function(cur, **params)
        finally:
            cur.close()

    return ask


def cached(make: Callable[..., T], *args: object, **kwargs: object) -> T:
    """make(*args, **kwargs), worked out once for the same arguments and then kept: for pure functions whose
    answer the caller only reads (a chart, a table made ready to show).

    plotly checks every property a figure is given, so building a chart takes 2 to 10 ms: under many users, a
    tenth of the server's time. The arguments are compared by their pickled bytes, which hold every value, label
    and type of a frame (0.05 to 0.3 ms for most, against 1 to 3 ms for pandas' hash of each row); a query's
    answer that its caller has not changed is compared by its query's key instead (_AnswerOf)."""
    compared = [_AnswerOf.of(arg) for arg in args]
    named = sorted((name, _AnswerOf.of(value)) for name, value in kwargs.items())
    try:
        pickled = pickle.dumps((make.__module__, make.__qualname__, compared, named), protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):  # an argument that cannot be pickled: made each time
        return make(*args, **kwargs)
    return _MADE.get(hashlib.sha256(pickled).hexdigest(), lambda: make(*args, **kwargs))


_MADE = Kept(100_000, budget=CHART_BYTES, weigh=weight)  # charts, and tables made ready to show


def leave_legacy_multipage_mode() -> None:
    """Make a deep link (/map?...) to a freshly started server run through dashboard.py's st.navigation.

    Streamlit assumes the old `pages/` folder mode until the entry script has called st.navigation once, so the
    first visitors after a restart who open a link to a page other than the front page would get that page
    alone: no page config and a navigation list made of file names. Switching the flag off and rerunning
    sends the same URL through dashboard.py. (Renaming pages/ would avoid this; see STYLE.md section A.) query()
    does it first, so that a page whose first query finds the warehouse unreadable reruns through dashboard.py
    (which shows the one "cannot be read" page) rather than rerunning itself for ever.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def query(name: str, **params: object) -> pd.DataFrame:
    """Run a registered query, cached by name, parameters and warehouse version.

    A query that finds the warehouse damaged records it and reruns the page, which then shows only the
    "cannot be read" page (ensure_warehouse)."""
    leave_legacy_multipage_mode()
    path = warehouse_path()
    version = _served_version(path)
    try:
        asked = tuple(sorted(params.items()))
        key = _key((name, asked))
        _remember_asked(path, key, name, asked)
        return _AnswerOf.hand_out(_answer(key, name, str(path), version, asked), key + repr((str(path), version)))
    except (LotiDemandError, duckdb.Error) as exc:
        from loti_demand.storage import explain

        problem = exc if isinstance(exc, LotiDemandError) else explain(exc, warehouse=path)
        if not isinstance(problem, WarehouseUnreadableError):
            raise
        health.record(path, version, str(problem))
        st.rerun()


_FIRST_BUILD = threading.Lock()


def ensure_warehouse() -> None:
    """Build the sample warehouse on first run, with a spinner, if none exists yet (once, even when several
    sessions open at the same moment)."""
    path = warehouse_path()
    if path.exists():
        # While a new file is warmed (and checked) the one before, already checked, is shown.
        if _served_version(path) == _warehouse_version(path) and health.problem(path):
            unreadable_page()
        return
    from loti_demand.warehouse.build import build

    with st.spinner("Building the sample warehouse for the first time (under a minute)..."), _FIRST_BUILD:
        if path.exists():
            return
        try:
            build(config.path("data"), path)
        except LotiDemandError as exc:
            st.error(f"The warehouse could not be built: {exc}")
            st.stop()


def unreadable_page() -> None:
    """The one page every address shows while the warehouse cannot be read (the reason is in the server log)."""
    st.title("The data cannot be read just now")
    st.error(
        "The warehouse file behind this dashboard is damaged or is not a loti-demand warehouse, so no page "
        "can be shown. Whoever runs the dashboard can see why in its log and can rebuild the warehouse with "
        "`python -m loti_demand build`; the pages come back as soon as a good warehouse is in place.",
        icon=":material/error:",
    )
    st.stop()


def _per_version(store: Kept, make: Callable[[], T], *more: object) -> T:
    """make() kept in `store` for the warehouse version being served (and `more`, a text-keyed value)."""
    path = warehouse_path()
    return store.get(repr((str(path), _served_version(path), *more)), make)


_BUILD_INFO = Kept(4)


def build_info() -> dict[str, object]:
    """The warehouse's build_info row, {column: value}: made once per warehouse version, as every page run reads it
    several times (the header, the area, the dates) and taking a row of a frame costs more than the query's kept
    answer. Callers read it and never change it."""
    return _per_version(_BUILD_INFO, _build_info_row)


def _build_info_row() -> dict[str, object]:
    return query("build_info").iloc[0].to_dict()


def as_of() -> dt.date:
    """The data-as-of date (today when the warehouse holds no dated rows)."""
    value = build_info()["data_as_of"]
    return dt.date.today() if pd.isna(value) else pd.Timestamp(value).date()


def area() -> Region:
    """The area the warehouse covers (loti_demand.reference.Region) as its build recorded it, not as the region
    setting now says: London for a warehouse built before regions were recorded."""
    from loti_demand.reference import Region

    return Region.of_build(build_info())


def reference_date():
    """The date 'today' means on the dashboard (loti_demand.alerts.reference_date)."""
    from loti_demand.alerts import reference_date

    return reference_date(build_info())


def spend_periods() -> list:
    """The spend periods the pages offer (queries.spend_periods, through the page cache)."""
    from loti_demand import periods

    dates = query("data_dates").iloc[0]
    return periods.spend_periods(dates["first_spend_month"], dates["last_spend_month"], as_of())


def _labels(name: str, code: str, label: str) -> dict[str, str]:
    """{code: label} from a registered query's two columns, in its order: made once per warehouse version (a page
    run asks for the boroughs' or categories' names several times, and reading a frame's text cell by cell costs
    more than the kept answer); each caller gets its own copy of the dict."""
    return dict(_per_version(_LABELS, lambda: _pairs(query(name), code, label), name, code, label))


_LABELS = Kept(64)  # per query and warehouse version


def _pairs(df: pd.DataFrame, code: str, label: str) -> dict[str, str]:
    return dict(zip(df[code].tolist(), df[label].tolist(), strict=True))


def borough_names(*, london_wide: bool = False) -> dict[str, str]:
    """GSS code -> name of the 33 authorities in name order, plus 'london_wide' for London buyers that are not
    boroughs when asked."""
    from loti_demand.metrics import LONDON_WIDE

    names = _labels("borough_list", "borough_code", "borough_name")
    return {**names, "london_wide": LONDON_WIDE} if london_wide else names


def body_names() -> dict[str, str]:
    """Code -> name of the London-wide bodies (GLA, TfL...) whose spend the warehouse holds, in name order."""
    return _labels("spend_bodies", "publisher_code", "publisher_name")


def buyer_body_names() -> dict[str, str]:
    """Code -> name of the London-wide bodies with a buyer profile (spend files or London notices), in name order."""
    return _labels("body_list", "publisher_code", "publisher_name")


def category_labels() -> dict[str, str]:
    """Tech category -> its label, in the taxonomy's order."""
    return _labels("tech_categories", "tech_category", "tech_category_label")


def category_label(category: str | None) -> str:
    """A tech category's label, or "All tech categories" for None."""
    return category_labels().get(category, "All tech categories") if category else "All tech categories"


def supplier_names() -> tuple[dict[str, str], str | None]:
    """{supplier id: name} of every supplier with a profile, in name order, and the one paid most for technology
    (None when there are none). Made once per warehouse version, as a dict of every supplier takes tens of
    milliseconds to make at national scale and pages with supplier links ask for it on every run: callers share it,
    so they read it and never change it."""
    return _per_version(_SUPPLIER_NAMES, _supplier_names)


_SUPPLIER_NAMES = Kept(4)  # per warehouse version, as the connection


def _supplier_names() -> tuple[dict[str, str], str | None]:
    df = query("supplier_list")
    largest = None if df.empty else str(df.loc[df["tech_spend_gbp"].astype(float).idxmax(), "supplier_id"])
    return dict(zip(df["supplier_id"], df["supplier_name"], strict=True)), largest


SUPPLIER_CHOICES = 1_000  # the most suppliers the Supplier profile's list offers at once
_CHOICES = Kept(64)


def supplier_choices(find: str = "") -> tuple[list[str], int]:
    """The supplier ids the Supplier profile's list offers, in name order, and how many there are to choose among:
    those whose names hold `find` (in any case), or every supplier with a profile. At most SUPPLIER_CHOICES are
    offered, those paid most for technology: at national scale there are tens of thousands, and a list of 28,000
    took 13 ms of the server's CPU in st.selectbox alone on every run of the page, and was sent to the browser each
    time."""
    return _per_version(_CHOICES, lambda: _supplier_choices(find), find, SUPPLIER_CHOICES)


def _supplier_choices(find: str) -> tuple[list[str], int]:
    df = query("supplier_list")  # in name order
    if find:  # the name shown holds the text, or the supplier's key holds the text's ('Civica UK Limited' finds
        # the supplier shown as CIVICA UK LTD, published under both)
        from loti_demand.normalise.suppliers import supplier_key

        holds = df["supplier_name"].str.casefold().str.contains(find.casefold(), regex=False)
        if key := supplier_key(find):
            holds |= df["supplier_id"].astype(str).str.contains(key, regex=False)
        df = df[holds]
    if len(df) > SUPPLIER_CHOICES:
        largest = df["tech_spend_gbp"].astype(float).nlargest(SUPPLIER_CHOICES, keep="first").index
        return df["supplier_id"][df.index.isin(largest)].tolist(), len(df)
    return df["supplier_id"].tolist(), len(df)


def facet_options(name: str, **params: object) -> dict[str, dict[str, str]]:
    """Choices for filter widgets from a query returning (kind, value, label, n): {kind: {value: "label (n)"}}.

    The query's order is kept; a row of kind 'total' gives {"total": {"": "n"}}.
    """
    options: dict[str, dict[str, str]] = {}
    for kind, value, label, n in query(name, **params)[["kind", "value", "label", "n"]].itertuples(index=False):
        if kind == "total":
            options["total"] = {"": str(int(n))}
        else:
            options.setdefault(kind, {})[str(value)] = f"{label} ({int(n):,})"
    return options


def search_query(q: str):
    """The search box's text as a loti_demand.search.SearchQuery, with the warehouse's synonyms."""
    return queries.parse_search(query("search_synonyms"), q)


def _boundaries_version(path: Path) -> tuple[str, int]:
    try:
        return str(path), os.stat(path).st_mtime_ns
    except OSError:
        return str(path), 0


@st.cache_resource(max_entries=2, show_spinner="Reading the borough boundaries...")
def _boundaries(path: str, version: int):
    from loti_demand import geo

    return geo.read_boundaries(path)


def boundaries():
    """(boundaries GeoDataFrame or None, message): None with no message when the setting is not set; None with
    the reason when the file cannot be used."""
    path = config.path("boundaries")
    if path is None:
        return None, None
    try:
        return _boundaries(*_boundaries_version(path)), None
    except LotiDemandError as exc:
        return None, str(exc)
