"""The only package module that imports Streamlit: the cached read-only connection, cached query wrappers,
the shared page furniture (sample-data banner, data-as-of line) and URL-synced filters."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from loti_demand import config, queries
from loti_demand.exceptions import LotiDemandError

CSS = """
<style>
/* Streamlit's captions are grey at reduced opacity, which fails WCAG AA contrast (3.2:1); make them 9:1. */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {
  color: #474747 !important; opacity: 1 !important;
}
</style>
"""


def warehouse_path() -> Path:
    return config.path("warehouse")


def _warehouse_version(path: Path) -> tuple[int, int]:
    """Changes whenever a build swaps in a new file, which invalidates every cache below."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return (0, 0)
    return (stat.st_ino, stat.st_mtime_ns)


@st.cache_resource(max_entries=2)
def _connection(path: str, version: tuple[int, int]) -> duckdb.DuckDBPyConnection:
    from loti_demand.warehouse.db import connect

    return connect(path, read_only=True)


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the current warehouse (one cached read-only connection per warehouse version)."""
    path = warehouse_path()
    return _connection(str(path), _warehouse_version(path)).cursor()


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_query(name: str, version: tuple[int, int], params: tuple[tuple[str, object], ...]) -> pd.DataFrame:
    return queries.QUERIES[name].function(connection(), **dict(params))


def query(name: str, **params: object) -> pd.DataFrame:
    """Run a registered query, cached by name, parameters and warehouse version."""
    version = _warehouse_version(warehouse_path())
    return _cached_query(name, version, tuple(sorted(params.items())))


def ensure_warehouse() -> None:
    """Build the sample warehouse on first run, with a spinner, if none exists yet."""
    path = warehouse_path()
    if path.exists():
        return
    from loti_demand.warehouse.build import build

    with st.spinner("Building the sample warehouse for the first time (about a minute)..."):
        try:
            build(config.path("data"), path)
        except LotiDemandError as exc:
            st.error(f"The warehouse could not be built: {exc}")
            st.stop()


def as_of():
    return query("build_info").iloc[0]["data_as_of"]


def page_header(title: str, intro: str) -> None:
    """Title, a one-line purpose, the sample-data banner and the data-as-of line: on every page."""
    st.markdown(CSS, unsafe_allow_html=True)
    st.title(title)
    st.write(intro)
    info = query("build_info").iloc[0]
    if bool(info["is_sample"]):
        st.info(
            "This dashboard is showing **synthetic sample data** (fictional suppliers and projects), "
            "not real council data. Build a warehouse from real files to replace it: see the README.",
            icon=":material/science:",
        )
    st.caption(f"Data as of {_date(info['data_as_of'])}. Spend to {_date(info['spend_as_of'])}; "
               f"notices to {_date(info['notices_as_of'])}; built {_date(info['built_at'])}.")


def _date(value: object) -> str:
    if value is None or pd.isna(value):
        return "unknown"
    return pd.Timestamp(value).strftime("%-d %B %Y")


def table(df: pd.DataFrame, columns: list[str], *, key: str, file_name: str) -> None:
    """Show a table with labelled headers and a CSV download of exactly the rows and columns shown."""
    from loti_demand.export import to_csv_bytes
    from loti_demand.metrics import MEASURES, label

    shown = df[columns]
    column_config = {}
    for column in columns:
        measure = MEASURES.get(column)
        if measure and measure.fmt.startswith("gbp"):
            column_config[column] = st.column_config.NumberColumn(label(column), format="£%.2f")
        else:
            column_config[column] = st.column_config.Column(label(column))
    st.dataframe(shown, hide_index=True, column_config=column_config, key=key)
    try:
        data = to_csv_bytes(shown)
    except LotiDemandError as exc:
        st.warning(str(exc))
        return
    st.download_button(
        f"Download this table as CSV ({len(shown):,} rows)", data=data, file_name=file_name, mime="text/csv",
        key=f"{key}_download", on_click="ignore", icon=":material/download:",
    )
