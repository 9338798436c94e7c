"""The only package module that imports Streamlit: the cached read-only connection, cached query wrappers,
the shared page furniture (sample-data banner, data-as-of line) and URL-synced filters."""

from __future__ import annotations

import os
import re
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
        elif pd.api.types.is_datetime64_any_dtype(shown[column]):
            column_config[column] = st.column_config.DateColumn(label(column), format="YYYY-MM-DD")
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


# --- Filters kept in the URL ------------------------------------------------------------------------------
# A copied link reopens the same view: each widget starts from its ?param= in the query string (checked
# against the widget's allowed values; anything else is ignored with a notice) and writes its value back
# whenever it changes. Defaults are left out of the URL, so a plain link stays plain.

ALL = ""


def _start_from_url(key: str, param: str, label: str, allowed: object) -> None:
    if key in st.session_state or param not in st.query_params:
        return
    value = st.query_params[param]
    if allowed is None or value in allowed:
        st.session_state[key] = value
    else:
        st.info(f"The link asked for {label.lower()} “{value}”, which is not one of the choices here, "
                "so that filter is not applied.", icon=":material/link_off:")


def _write_to_url(param: str, value: object, default: object = ALL) -> None:
    if value is None or value == default:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != str(value):
        st.query_params[param] = str(value)


def url_choice(label: str, options: dict[str, str], *, key: str, param: str, none_label: str = "All",
               help: str | None = None, container=None) -> str | None:
    """A selectbox kept in the URL as ?param=value; `options` maps each value to its label.

    Returns the chosen value, or None for the first choice (`none_label`, e.g. "All").
    """
    _start_from_url(key, param, label, options)
    if st.session_state.get(key, ALL) not in (ALL, *options):
        del st.session_state[key]  # the choice is no longer offered (the data changed)
    where = container or st
    value = where.selectbox(label, [ALL, *options], key=key, help=help,
                            format_func=lambda v: none_label if v == ALL else options[v])
    _write_to_url(param, value)
    return value or None


def url_text(label: str, *, key: str, param: str, max_chars: int = 100, placeholder: str = "",
             help: str | None = None, container=None) -> str | None:
    """A text box kept in the URL as ?param=text; returns the stripped text or None when empty."""
    if key not in st.session_state and param in st.query_params:
        st.session_state[key] = st.query_params[param][:max_chars]
    where = container or st
    value = where.text_input(label, key=key, max_chars=max_chars, placeholder=placeholder, help=help).strip()
    _write_to_url(param, value)
    return value or None


def facet_options(name: str, **params: object) -> dict[str, dict[str, str]]:
    """Choices for filter widgets from a query returning (kind, value, label, n): {kind: {value: "label (n)"}}.

    The query's order is kept; a row of kind 'total' gives {"total": {"": "n"}}.
    """
    options: dict[str, dict[str, str]] = {}
    for kind, value, label, n in query(name, **params)[["kind", "value", "label", "n"]].itertuples(index=False):
        if kind == "total":
            options["total"] = {ALL: str(int(n))}
        else:
            options.setdefault(kind, {})[str(value)] = f"{label} ({int(n):,})"
    return options


def reference_date():
    """The date 'today' means on the dashboard: the real date, except on the synthetic sample, whose fixed
    dates would drift out of range, where it is the sample's data-as-of date."""
    import datetime as dt

    info = query("build_info").iloc[0]
    if bool(info["is_sample"]) and not pd.isna(info["data_as_of"]):
        return pd.Timestamp(info["data_as_of"]).date()
    return dt.date.today()


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """Text from a publisher, escaped so Streamlit shows it as typed (no markdown, links, images or LaTeX)."""
    if is_missing(text):
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def facts(items: dict[str, object]) -> None:
    """A short list of labelled facts ("**Closes:** 30 June 2025"); empty values are shown as "not stated"."""
    st.markdown("\n".join(f"- **{label}:** {'not stated' if is_missing(value) else plain(value)}"
                          for label, value in items.items()))


def is_missing(value: object) -> bool:
    """True for None, empty text, NaN and NaT (pandas gives all of these for a NULL)."""
    return value is None or value == "" or (not isinstance(value, str) and bool(pd.isna(value)))


def link(text: object, url: object) -> str:
    """A markdown link showing `text` as typed, or just the text when the address is not http(s)."""
    label = plain(text)
    if is_missing(url) or not re.match(r"^https?://", str(url), re.IGNORECASE):
        return label
    safe = re.sub(r"[\s()<>]", lambda m: f"%{ord(m.group(0)):02X}", str(url))
    return f"[{label}]({safe})"


def long_date(value: object) -> str | None:
    """'30 June 2025', or None for a missing date."""
    return None if is_missing(value) else pd.Timestamp(value).strftime("%-d %B %Y")
