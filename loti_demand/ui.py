"""The only package module that imports Streamlit: the cached read-only connection, cached query wrappers,
the shared page furniture (sample-data banner, data-as-of line) and URL-synced filters."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import threading
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from loti_demand import config, queries
from loti_demand.exceptions import LotiDemandError, WarehouseUnreadableError
from loti_demand.warehouse import health

CSS = """
<style>
/* Streamlit's captions are grey at reduced opacity, which fails WCAG AA contrast (3.2:1); make them 9:1. */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {
  color: #474747 !important; opacity: 1 !important;
}
/* Streamlit only tints a focused sidebar page link faintly; keyboard users need a clear focus ring (WCAG 2.4.7). */
[data-testid="stSidebarNavLink"]:focus-visible {
  outline: 3px solid #244fb4 !important; outline-offset: -3px;
}
/* A collapsed sidebar (on a phone, until its button opens it) is only moved off screen, so Tab went through nine
   page links nobody could see; hidden, it takes no focus until it is opened. */
[data-testid="stSidebar"][data-collapsed="true"] { visibility: hidden; }
/* Streamlit shows no focus on a page link in the main area (the Overview's search links, the map's profile link,
   the supplier links below a table). */
[data-testid="stMain"] [data-testid="stPageLink"] a:focus-visible,
[data-testid="stMain"] [data-testid="stPageLink-NavLink"]:focus-visible {
  outline: 3px solid #244fb4 !important; outline-offset: 2px;
}
</style>
"""


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
    """A cursor on the current warehouse (one cached read-only connection per warehouse version)."""
    from loti_demand.warehouse.db import cursor

    path = warehouse_path()
    return cursor(_connection(str(path), _warehouse_version(path)))


@st.cache_data(max_entries=512, show_spinner=False)
def _cached_query(name: str, path: str, version: tuple[int, int],
                  params: tuple[tuple[str, object], ...]) -> pd.DataFrame:
    # The connection of exactly this version: re-reading the version here could cache new data under an old key.
    try:
        return _run(name, path, version, params)
    except duckdb.ConnectionException:
        # A rebuild was swapped in (and the old connection closed) while this ran: answer from the new file.
        return _run(name, path, _warehouse_version(Path(path)), params)


def _run(name: str, path: str, version: tuple[int, int], params: tuple[tuple[str, object], ...]) -> pd.DataFrame:
    from loti_demand.warehouse.db import cursor

    cur = cursor(_connection(path, version))
    try:
        return queries.QUERIES[name].function(cur, **dict(params))
    finally:
        cur.close()


def query(name: str, **params: object) -> pd.DataFrame:
    """Run a registered query, cached by name, parameters and warehouse version.

    A query that finds the warehouse damaged records it and reruns the page, which then shows only the
    "cannot be read" page (ensure_warehouse)."""
    path = warehouse_path()
    version = _warehouse_version(path)
    try:
        return _cached_query(name, str(path), version, tuple(sorted(params.items())))
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
        if health.problem(path):
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
    st.error("The warehouse file behind this dashboard is damaged or is not a loti-demand warehouse, so no page "
             "can be shown. Whoever runs the dashboard can see why in its log and can rebuild the warehouse with "
             "`python -m loti_demand build`; the pages come back as soon as a good warehouse is in place.",
             icon=":material/error:")
    st.stop()


def as_of() -> dt.date:
    """The data-as-of date (today when the warehouse holds no dated rows)."""
    value = query("build_info").iloc[0]["data_as_of"]
    return dt.date.today() if pd.isna(value) else pd.Timestamp(value).date()


def _leave_legacy_multipage_mode() -> None:
    """Make a deep link (/map?...) to a freshly started server run through dashboard.py's st.navigation.

    Streamlit assumes the old `pages/` folder mode until the entry script has called st.navigation once, so the
    first visitors after a restart who open a link to a page other than the front page would get that page
    alone: no page config and a navigation list made of file names. Switching the flag off and rerunning
    sends the same URL through dashboard.py. (Renaming pages/ would avoid this; see STYLE.md section A.)
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_header(title: str, intro: str) -> None:
    """Title, a one-line purpose, the sample-data banner and the data-as-of line: on every page."""
    _leave_legacy_multipage_mode()
    st.markdown(CSS, unsafe_allow_html=True)
    st.title(title)
    st.write(intro)
    info = query("build_info").iloc[0]
    if bool(info["is_sample"]):
        st.info(
            "This dashboard is showing **synthetic sample data** (fictional suppliers and projects), "
            "not real council data. Build a warehouse from real files to replace it: see docs/building.md.",
            icon=":material/science:",
        )
    st.caption(f"Data as of {_date(info['data_as_of'])}. Spend to {_date(info['spend_as_of'])}; "
               f"notices to {_date(info['notices_as_of'])}; built {_date(info['built_at'])}.")


def page_not_found(pages: list) -> list:
    """[a hidden page at the path the browser asked for] when that path names no page, else [].

    For a path it does not know, st.navigation shows a "Page not found" dialog, runs the default page and rewrites
    the URL to the front page, so once the dialog is closed a mistyped or outdated link has become the Overview.
    Registered at the asked-for path, this page keeps the URL and says there is no such page, linking every page.
    """
    from loti_demand.navigation import unknown_path

    path = unknown_path(st.context.url, st.get_option("server.baseUrlPath"), [page.url_path for page in pages])
    if path is None or "/" in path:  # Streamlit cannot register a nested path (nor serve its scripts)
        return []

    def not_found() -> None:
        page_header("Page not found", f"There is no page at /{plain(path[:100])} in this dashboard. Choose one of "
                                      "these pages:")
        for page in pages:
            st.page_link(page, label=page.title, icon=page.icon)

    return [st.Page(not_found, title="Page not found", url_path=path, visibility="hidden")]


def _date(value: object) -> str:
    if value is None or pd.isna(value):
        return "unknown"
    return pd.Timestamp(value).strftime("%-d %B %Y")


LAZY_ROWS = 2_000
# columns shown as links, and the text each link shows
LINKS = {"notice_url": "Open notice", "url": "Open", "replacement_url": "Open notice"}
# Supplier names shown as links to their profile, when the table's frame holds the supplier's id beside them (a
# redacted payee has no supplier, so nothing to link). The CSV keeps the names.
SUPPLIER_LINKS = {"supplier_name": "supplier_id", "supplier_names": "supplier_id",
                  "incumbent_suppliers": "incumbent_supplier_id"}
SUPPLIER_LINK_TEXT = r"#(.+)$"  # the link's text is the name carried after its '#' (LinkColumn's display_text)


def supplier_link(supplier_id: object, name: object) -> str | None:
    """A relative link to the supplier's profile (?supplier=<id>), with the name to show after '#': a link in a
    table opens the Supplier profile page beside the one it is on (also under a base URL path). A name with no
    supplier (a withheld name in an award) keeps only the '#name' part, so it still shows but leads to no profile."""
    from urllib.parse import quote

    if is_missing(name):
        return None
    shown = f"#{quote(str(name), safe='')}"
    return shown if is_missing(supplier_id) else f"supplier?supplier={quote(str(supplier_id), safe='')}{shown}"


def table(df: pd.DataFrame, columns: list[str], *, key: str, file_name: str) -> None:
    """Show a table with labelled headers and a CSV download of exactly the rows and columns shown."""
    from loti_demand.export import check_size, to_csv_bytes
    from loti_demand.metrics import MEASURES, label

    shown = df[columns].copy()
    for column in columns:  # dates held as midnight timestamps show and download as plain dates
        if pd.api.types.is_datetime64_any_dtype(shown[column]) and (shown[column].dropna().dt.normalize()
                                                                   == shown[column].dropna()).all():
            shown[column] = shown[column].dt.date
    column_config, screen = {}, shown.copy()  # screen: what the grid shows (supplier names as links)
    for column in columns:
        measure = MEASURES.get(column)
        if measure and measure.fmt.startswith("gbp"):  # the header says (£); GOV.UK style groups thousands
            column_config[column] = st.column_config.NumberColumn(label(column), format="localized", step=0.01)
        elif measure and measure.fmt == "pct":
            column_config[column] = st.column_config.NumberColumn(label(column), format="%.1f%%")
        elif measure and measure.fmt == "index":
            column_config[column] = st.column_config.NumberColumn(label(column), format="%.0f")
        elif pd.api.types.is_datetime64_any_dtype(shown[column]):
            column_config[column] = st.column_config.DateColumn(label(column), format="YYYY-MM-DD")
        elif column in LINKS:
            shown[column] = screen[column] = shown[column].map(web_url)  # a javascript: address: not shown, nor sent
            column_config[column] = st.column_config.LinkColumn(label(column), display_text=LINKS[column])
        elif column in SUPPLIER_LINKS and SUPPLIER_LINKS[column] in df:
            screen[column] = [supplier_link(i, n) for i, n in zip(df[SUPPLIER_LINKS[column]], shown[column],
                                                                  strict=True)]
            column_config[column] = st.column_config.LinkColumn(label(column), display_text=SUPPLIER_LINK_TEXT)
        else:
            column_config[column] = st.column_config.Column(label(column))
    # A long table sends the browser only the rows in view (and fetches more on scrolling): the Demand calendar's
    # thousands of rows otherwise cost more than a second of first paint. Shorter tables keep the grid's search.
    st.dataframe(screen, hide_index=True, column_config=column_config, key=key, lazy=len(shown) > LAZY_ROWS)
    supplier_shortcuts(df, columns)
    try:
        check_size(len(shown))
    except LotiDemandError as exc:
        st.warning(str(exc))
        return
    # The CSV is written when the button is pressed, not on every run: a large table's CSV takes longer to write
    # than the page takes to draw.
    st.download_button(
        f"Download this table as CSV ({len(shown):,} rows)", data=lambda: to_csv_bytes(shown), file_name=file_name,
        mime="text/csv", key=f"{key}_download", on_click="ignore", icon=":material/download:",
    )


SUPPLIER_SHORTCUTS = 12


def supplier_shortcuts(df: pd.DataFrame, columns: list[str]) -> None:
    """Page links to the profiles of the suppliers a table names (the first SUPPLIER_SHORTCUTS, in the table's order).

    The grid's own links are drawn on a canvas: a mouse can follow them, a keyboard cannot (a cell's overlay closes on
    Tab). These links are in the page, reachable by Tab and followed with Enter, in the same tab."""
    ids = [i for column in columns if SUPPLIER_LINKS.get(column) in df
           for i in df[SUPPLIER_LINKS[column]].dropna()]
    if not ids:
        return
    names, _ = supplier_names()
    linked = [i for i in dict.fromkeys(ids) if i in names]
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.caption("Supplier profiles:")
        for supplier_id in linked[:SUPPLIER_SHORTCUTS]:
            st.page_link("pages/supplier.py", label=plain(names[supplier_id]), icon="",
                         query_params={"supplier": supplier_id})
        if len(linked) > SUPPLIER_SHORTCUTS:
            st.caption(f"and {len(linked) - SUPPLIER_SHORTCUTS:,} more: choose them on the Supplier profile page.")


# --- Filters kept in the URL, so a copied link reopens the same view -------------------------------------
#
# Each widget is seeded once per session from st.query_params (validated against an allow-list: an unknown
# value is ignored with a notice), and writes its value back to the URL on every run. Defaults are left out
# of the URL to keep links short.


def _seed(key: str, allowed: list[str] | None, label: str, multi: bool = False) -> None:
    if key in st.session_state or key not in st.query_params:
        return
    raw = st.query_params.get_all(key) if multi else [st.query_params[key]]
    values = [v for part in raw for v in (part.split(",") if multi else [part]) if v != ""]
    if allowed is not None:
        bad = [v for v in values if v not in allowed]
        if bad:  # shown escaped: a link must not be able to put markdown (links, images) into the notice
            st.session_state.setdefault("_ignored_params", []).append(
                f"{plain(label)}: {', '.join(plain(repr(b[:40])) for b in bad)}")
        values = [v for v in values if v in allowed]
    if multi:
        st.session_state[key] = values
    elif values:
        st.session_state[key] = values[0]


def _write(key: str, value: object, default: object) -> None:
    if value == default or value in (None, "", []):
        st.query_params.pop(key, None)
    elif isinstance(value, list):
        st.query_params[key] = ",".join(str(v) for v in value)
    else:
        st.query_params[key] = str(value)


def url_selectbox(label: str, options: list[str], *, key: str, default: str | None = None,
                  format_func=str, help: str | None = None) -> str:
    """A selectbox whose value lives in the URL as ?key=value."""
    _seed(key, [str(o) for o in options], label)
    if st.session_state.get(key) not in options:  # unset, or a choice the current filters no longer offer
        st.session_state[key] = default if default is not None else options[0]
    value = st.selectbox(label, options, key=key, format_func=format_func, help=help)
    _write(key, value, default if default is not None else options[0])
    return value


def url_multiselect(label: str, options: list[str], *, key: str, format_func=str, help: str | None = None,
                    placeholder: str = "All") -> list[str]:
    """A multiselect whose values live in the URL as ?key=a,b (empty = all)."""
    _seed(key, [str(o) for o in options], label, multi=True)
    values = st.multiselect(label, options, key=key, format_func=format_func, help=help, placeholder=placeholder)
    _write(key, list(values), [])
    return list(values)


def url_text(label: str, *, key: str, help: str | None = None, max_chars: int = 100) -> str:
    """A text input (e.g. a search box) whose value lives in the URL."""
    _seed(key, None, label)
    if key in st.session_state:
        st.session_state[key] = str(st.session_state[key])[:max_chars]
    value = st.text_input(label, key=key, help=help, max_chars=max_chars)
    _write(key, value.strip(), "")
    return value.strip()


def url_number(label: str, *, key: str, default: int, min_value: int, max_value: int, step: int = 1,
               help: str | None = None) -> int:
    """A whole-number input whose value lives in the URL; out-of-range or non-numeric values are ignored."""
    allowed = [str(n) for n in range(min_value, max_value + 1)]
    _seed(key, allowed, label)
    if key not in st.session_state:
        st.session_state[key] = default
    else:
        st.session_state[key] = int(st.session_state[key])
    value = int(st.number_input(label, min_value=min_value, max_value=max_value, step=step, key=key, help=help))
    _write(key, value, default)
    return value


def url_facet(label: str, options: dict[str, str], *, key: str, none_label: str = "All",
              help: str | None = None) -> str | None:
    """A url_selectbox over {value: label} choices (e.g. from facet_options) with a first "All" choice;
    returns the chosen value, or None for "All"."""
    if st.session_state.get(key):
        # A choice's label can change between runs (facet counts follow the other filters), and Streamlit 1.67
        # sends the browser a selectbox's value, label and all, only when the value changes: setting it again
        # makes the box show the chosen value's new label instead of the old one.
        st.session_state[key] = st.session_state[key]
    value = url_selectbox(label, ["", *options], key=key, help=help,
                          format_func=lambda v: options.get(v, none_label) if v else none_label)
    return value or None


def url_values(filters: dict[str, tuple[str, object]]) -> dict[str, str | None]:
    """The values this run's URL-kept filters ({key: (label, allowed values or None)}) have, read before their
    widgets are drawn (seeded from the link as the widgets seed them; None when unset), so each widget's choices
    can be counted with the other filters applied."""
    for key, (label, allowed) in filters.items():
        _seed(key, None if allowed is None else [str(a) for a in allowed], label)
        st.session_state.setdefault(key, "")
    return {key: st.session_state[key] or None for key in filters}


def ignored_params_notice() -> None:
    """Say which values in the link were not recognised (call once per page, after the filters)."""
    ignored = st.session_state.pop("_ignored_params", None)
    if ignored:
        st.warning("Some values in the link were not recognised and were ignored: " + "; ".join(ignored))


# --- Helpers for pages listing records (facets, safe publisher text, facts) --------------------------------

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


def reference_date():
    """The date 'today' means on the dashboard (loti_demand.alerts.reference_date)."""
    from loti_demand.alerts import reference_date

    return reference_date(query("build_info").iloc[0])


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


_WEB_URL = re.compile(r"https?://[^\x00-\x20\x7f]+", re.IGNORECASE)


def web_url(value: object) -> str | None:
    """`value` if it is an http(s) address, else None: only these are ever rendered as links (a publisher's
    javascript:, data: or file: address, or one with spaces or control characters hidden in it, is not)."""
    if is_missing(value) or not _WEB_URL.fullmatch(str(value)):
        return None
    return str(value)


def link(text: object, url: object) -> str:
    """A markdown link showing `text` as typed, or just the text when the address is not http(s)."""
    label = plain(text)
    if (address := web_url(url)) is None:
        return label
    safe = re.sub(r"[()<>]", lambda m: f"%{ord(m.group(0)):02X}", address)
    return f"[{label}]({safe})"


def long_date(value: object) -> str | None:
    """'30 June 2025', or None for a missing date."""
    return None if is_missing(value) else pd.Timestamp(value).strftime("%-d %B %Y")
# --- Shared pieces of the demand and coverage pages ----------------------------------------------------------


def category_filter(*, key: str = "category") -> list[str]:
    """Tech categories to show (empty = all), kept in the URL."""
    labels = category_labels()
    return url_multiselect("Tech category", list(labels), key=key, format_func=labels.get,
                           placeholder="All categories")


def borough_choice(label: str, *, key: str, everyone: str = "All boroughs") -> str:
    """One borough (GSS code) or '' for all, kept in the URL."""
    labels = borough_names()
    return url_selectbox(label, ["", *labels], key=key, format_func=lambda c: labels.get(c, everyone))


def text_download(label: str, text: str, *, file_name: str, key: str) -> None:
    st.download_button(label, data=text.encode("utf-8"), file_name=file_name, mime="text/markdown", key=key,
                       on_click="ignore", icon=":material/description:")


def no_data(message: str) -> None:
    st.info(message, icon=":material/info:")


# --- Shared pieces for the map, borough profile and spend pages ---------------------------------------------


def chart(fig, *, key: str, summary: str, on_select: str = "ignore", selection_mode=("points",)):
    """A plotly chart with alt text, followed by the same one-sentence summary as text for everyone."""
    event = st.plotly_chart(fig, key=key, alt=summary, on_select=on_select, selection_mode=selection_mode,
                            config={"displaylogo": False})
    st.write(summary)
    return event


def _labels(name: str, code: str, label: str) -> dict[str, str]:
    """{code: label} from a registered query's two columns, in its order."""
    df = query(name)
    return dict(zip(df[code], df[label], strict=True))


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


def supplier_names() -> tuple[dict[str, str], str | None]:
    """{supplier id: name} of every supplier with a profile, in name order, and the one paid most for technology
    (None when there are none)."""
    df = query("supplier_list")
    largest = None if df.empty else str(df.loc[df["tech_spend_gbp"].astype(float).idxmax(), "supplier_id"])
    return dict(zip(df["supplier_id"], df["supplier_name"], strict=True)), largest


def category_selectbox(*, key: str = "category", label: str = "Tech category") -> str | None:
    """Pick one tech category or all of them (None); kept in the URL."""
    labels = {"all": "All tech categories", **category_labels()}
    value = url_selectbox(label, list(labels), key=key, format_func=labels.get)
    return None if value == "all" else value


def category_label(category: str | None) -> str:
    return category_labels().get(category, "All tech categories") if category else "All tech categories"


def period_selectbox(periods: list, *, key: str = "period", label: str = "Period", help: str | None = None):
    """Pick one of the periods (loti_demand.periods.Period) worked out from the data; kept in the URL by key."""
    by_key = {p.key: p for p in periods}
    chosen = url_selectbox(label, list(by_key), key=key, format_func=lambda k: by_key[k].label, help=help)
    return by_key[chosen]


def spend_periods() -> list:
    from loti_demand import periods

    dates = query("data_dates").iloc[0]
    return periods.spend_periods(dates["first_spend_month"], dates["last_spend_month"], as_of())


def top_n(df: pd.DataFrame, n: int) -> tuple[pd.DataFrame, bool]:
    """The first n rows of a query that fetched n + 1, and whether there were more."""
    return df.head(n), len(df) > n


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


def table_or_note(df: pd.DataFrame, columns: list[str], *, key: str, file_name: str, empty: str) -> None:
    """ui.table when there are rows; otherwise a plain sentence saying there is nothing (and no empty download)."""
    if df.empty:
        st.write(empty)
    else:
        table(df, columns, key=key, file_name=file_name)


def selected_borough(event) -> str | None:
    """The GSS code of the borough clicked on a map (tile or geographic), if any."""
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else []
    if not points and hasattr(event, "selection"):
        points = event.selection.get("points", [])
    for point in points:
        custom = point.get("customdata")
        if isinstance(custom, list | tuple) and custom and str(custom[0]).startswith("E09"):
            return str(custom[0])
        if str(point.get("location", "")).startswith("E09"):
            return str(point["location"])
    return None


# --- Word search and alerts: highlighted matches, Copy link, Atom feed and calendar file ---------------------------


def search_query(q: str):
    """The search box's text as a loti_demand.search.SearchQuery, with the warehouse's synonyms."""
    return queries.parse_search(query("search_synonyms"), q)


def search_note(found) -> None:
    """Say what a search looked for (its words, phrases and synonyms), so a synonym match is never a surprise."""
    if found:
        st.caption(f"Searching for {plain(found.describe())}: whole words in any form (sensor, sensors). "
                   "Words that match are marked «like this» in the Search match column.")


def highlighted(text: object, found) -> str:
    """Publisher text as markdown (escaped as `plain`), with the words a search found in bold on a highlight."""
    from loti_demand import search

    return "".join(f"**:orange-background[{plain(' '.join(piece.split()))}]**" if is_match else plain(piece)
                   for piece, is_match in search.highlight("" if is_missing(text) else str(text), found))


def page_link() -> str:
    """The address of this page with its filters: what Copy link copies and a feed links back to."""
    from urllib.parse import urlencode

    base = st.context.url or ""
    params = urlencode(st.query_params.to_dict())
    return f"{base}?{params}" if params else base


_COPY_LINK = """
<div class="loti-copy-link">
  <button type="button" id="{id}" data-link="{link}">Copy link</button>
  <span role="status" aria-live="polite"></span>
  <input type="text" readonly aria-label="Link to this view" value="{link}" hidden>
<script>
(() => {{
  const button = document.getElementById("{id}");
  if (!button || button.dataset.ready) return;
  button.dataset.ready = "1";
  const status = button.nextElementSibling, field = status.nextElementSibling;
  button.addEventListener("click", async () => {{
    try {{
      await navigator.clipboard.writeText(button.dataset.link);
      status.textContent = "Link copied";
    }} catch (error) {{
      field.hidden = false; field.focus(); field.select();
      status.textContent = "Copy the selected link (Ctrl+C or Cmd+C)";
    }}
  }});
}})();
</script>
</div>
<style>
.loti-copy-link button {{ font: inherit; padding: .3rem .75rem; border: 1px solid rgba(49, 51, 63, .3);
  border-radius: .5rem; background: #fff; color: #31333f; cursor: pointer; }}
.loti-copy-link button:hover {{ border-color: #244fb4; color: #244fb4; }}
.loti-copy-link button:focus-visible {{ outline: 3px solid #244fb4; outline-offset: 2px; }}
.loti-copy-link span {{ margin-left: .5rem; }}
.loti-copy-link input {{ width: 100%; margin-top: .3rem; font: inherit; }}
</style>
"""


def copy_link(*, key: str) -> str:
    """A "Copy link" button that copies this view's address (filters and all), so it can be shared, bookmarked or
    given to `export feed --link`. Streamlit cannot write to the clipboard from Python, hence the small script;
    where the browser refuses, the link is shown selected instead. Returns the link."""
    import html

    link = page_link()
    st.html(_COPY_LINK.format(id=f"copy-link-{key}", link=html.escape(link, quote=True)),
            unsafe_allow_javascript=True)
    return link


def alert_downloads(page: str, rows: pd.DataFrame, *, key: str) -> None:
    """Copy link, an Atom feed and a calendar file (.ics) of the rows on screen: alerts without an account. The
    files are written when their button is pressed."""
    from functools import partial

    from loti_demand import alerts

    built = alerts.built_at_value(query("build_info").iloc[0]["built_at"])
    title = alerts.title(page, st.query_params.to_dict())
    if page == "calendar":
        dates = query("procurement_dates", ocids=tuple(rows["ocid"]))
        view = partial(alerts.calendar_alerts, rows, dates, title=title, built=built)
    else:
        view = partial(alerts.challenge_alerts, rows, title=title, built=built)
    cols = st.columns([1, 1, 1])
    with cols[0]:
        link = copy_link(key=key)
    cols[1].download_button(
        "Atom feed of this view", data=lambda: alerts.atom(view().entries, title=title, link=link, updated=built),
        file_name=f"{page}.atom", mime="application/atom+xml", key=f"{key}_atom", on_click="ignore",
        icon=":material/rss_feed:", help="For a feed reader or an e-mail alert service. To follow this view as it "
        "changes, publish `python -m loti_demand export feed --link LINK` on a schedule.")
    cols[2].download_button(
        "Calendar file (.ics)", data=lambda: alerts.ics(view().events, name=title, stamp=built),
        file_name=f"{page}.ics", mime="text/calendar", key=f"{key}_ics", on_click="ignore",
        icon=":material/event:", help="Dates as all-day events, for Outlook, Google or Apple Calendar.")


# --- What is growing (the Overview) ---------------------------------------------------------------------------------


def term_links(terms: pd.DataFrame) -> None:
    """The first growth.TERMS_SHOWN watched terms (growth.terms_growth rows) as links to the searches behind their
    counts: the Demand calendar's (every London notice with the term, any year) where notices mention it, and
    Challenges' where challenge statements do."""
    from loti_demand.growth import TERMS_SHOWN
    from loti_demand.summaries import plural

    pages = (("pages/calendar.py", "notices", ("notice", "notices"), ":material/search:"),
             ("pages/challenges.py", "statements", ("challenge", "challenges"), ":material/lightbulb:"))
    for row in terms.head(TERMS_SHOWN).to_dict("records"):
        cols = st.columns(2)
        for col, (page, counts, words, icon) in zip(cols, pages, strict=True):
            latest, before = int(row[f"{counts}_latest"]), int(row[f"{counts}_before"])
            if latest or before:
                col.page_link(page, query_params={"q": row["search_text"]}, icon=icon,
                              label=f"{row['term']}: {plural(latest, *words)} in the latest year ({before:,} the year "
                                    "before)")
