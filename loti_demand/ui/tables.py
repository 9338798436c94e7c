"""Tables and downloads: a table with labelled headers, links and a CSV download of exactly what it shows (or a
note when there is nothing to list), the supplier profile links below it, the notes download, and the Copy link,
Atom feed and calendar file of a list of alerts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import lru_cache

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

from loti_demand.exceptions import LotiDemandError
from loti_demand.export import check_size, file_stem, to_csv_bytes
from loti_demand.metrics import MEASURES, label
from loti_demand.ui.data import as_of, borough_names, build_info, cached, is_unchanged_answer, supplier_names
from loti_demand.ui.text import is_missing, plain, web_urls
from loti_demand.ui.url_state import page_link

LAZY_ROWS = 2_000
# columns shown as links, and the text each link shows
LINKS = {"notice_url": "Open notice", "url": "Open", "replacement_url": "Open notice"}
# Supplier names shown as links to their profile, when the table's frame holds the supplier's id beside them (a
# redacted payee has no supplier, so nothing to link). The CSV keeps the names.
SUPPLIER_LINKS = {
    "supplier_name": "supplier_id",
    "supplier_names": "supplier_id",
    "incumbent_suppliers": "incumbent_supplier_id",
}
SUPPLIER_LINK_TEXT = r"#(.+)$"  # the link's text is the name carried after its '#' (LinkColumn's display_text)


@lru_cache(maxsize=1 << 16)  # a long table names the same suppliers again and again, rerun after rerun
def supplier_link(supplier_id: object, name: object, period: str | None = None) -> str | None:
    """A relative link to the supplier's profile (?supplier=<id>, and the spend period the page shows), with the
    name to show after '#': a link in a table opens the Supplier profile page beside the one it is on (also under a
    base URL path). A name with no supplier (a withheld name in an award) keeps only the '#name' part, so it still
    shows but leads to no profile."""
    from urllib.parse import quote

    if is_missing(name):
        return None
    shown = f"#{quote(str(name), safe='')}"
    if is_missing(supplier_id):
        return shown
    return f"supplier?supplier={quote(str(supplier_id), safe='')}{f'&period={period}' if period else ''}{shown}"


def supplier_links(ids: pd.Series, names: pd.Series, period: str | None = None) -> list[str | None]:
    """supplier_link of each row, made once for each distinct supplier and name (the Demand calendar names some
    900 suppliers in 12,000 rows)."""
    pairs = list(zip(ids.tolist(), names.tolist(), strict=True))
    made = {pair: supplier_link(*pair, period) for pair in dict.fromkeys(pairs)}
    return [made[pair] for pair in pairs]


def no_data(message: str) -> None:
    """A notice that a whole section has nothing to show (its filters, if any, are drawn above it)."""
    st.info(message, icon=":material/info:")


def no_notices_loaded() -> str | None:
    """What to say when the warehouse holds no procurement notices at all (so no filter is to blame), else None."""
    if not is_missing(build_info()["notices_as_of"]):
        return None
    return (
        "No procurement notices have been loaded, so there is nothing to show yet: fetch them with "
        "`python -m loti_demand refresh` (or `fetch fts` and `fetch contracts-finder`) and build again."
    )


def table(
    df: pd.DataFrame,
    columns: list[str],
    *,
    key: str,
    name: str,
    filters: Sequence[str | None] = (),
    months: tuple[dt.date | None, dt.date | None] | None = None,
    empty: str | None = None,
    period: str | None = None,
) -> None:
    """Show a table with labelled headers and a CSV download of exactly the rows and columns shown; with no rows
    and an `empty` sentence, that sentence instead, and no empty download. `period`: the spend period (its key) the
    table's figures cover, for the links to its suppliers' profiles, which then show the same months.

    The download's file name (download_name) says what it holds: `name` (the table), the `filters` chosen that
    change its rows (parts made by export.file_part, chosen_part or search_part), the `months` it covers and the
    data-as-of date, so two different tables never share a name."""
    if df.empty and empty is not None:
        st.write(empty)
        return
    # Made ready once for the same rows (plain dates, links, headers), then kept. A query's answer as it came is
    # compared by its query; other rows by the columns read (given one by one: selecting them as a frame cost more
    # than the rest of the key).
    read = [*columns, *(SUPPLIER_LINKS[c] for c in columns if SUPPLIER_LINKS.get(c) in df)]
    data = df if is_unchanged_answer(df) else {c: df[c] for c in dict.fromkeys(read)}
    shown, grid, column_config, suppliers = cached(_ready, data, tuple(columns), period)
    # A long table sends the browser only the rows in view (and fetches more on scrolling): the Demand calendar's
    # thousands of rows otherwise cost more than a second of first paint. Shorter tables keep the grid's search.
    # A missing value is a blank cell, as in the CSV (the grid's default writes "None").
    st.dataframe(
        grid, hide_index=True, column_config=column_config, key=key, lazy=len(shown) > LAZY_ROWS, placeholder=""
    )
    supplier_shortcuts(suppliers, period)
    _csv_download(
        f"Download this table as CSV ({len(shown):,} {'row' if len(shown) == 1 else 'rows'})",
        len(shown),
        lambda: to_csv_bytes(shown),
        key=f"{key}_download",
        file_name=download_name(name, filters, months),
    )


def all_rows_download(
    rows: int,
    fetch: Callable[[], pd.DataFrame],
    columns: list[str],
    *,
    noun: str,
    key: str,
    name: str,
    filters: Sequence[str | None] = (),
    months: tuple[dt.date | None, dt.date | None] | None = None,
) -> None:
    """A "Download all N <noun> (CSV)" button: all `rows` rows of a list whose table shows only its first ones (the
    largest suppliers), with the table's columns, headers and CSV, named as `table` names its download. The rows
    are fetched (`fetch`, e.g. data.query_later) and written only when the button is pressed."""
    _csv_download(
        f"Download all {rows:,} {noun} (CSV)",
        rows,
        lambda: to_csv_bytes(_ready(fetch(), tuple(columns))[0]),
        key=key,
        file_name=download_name(name, filters, months),
    )


def _csv_download(label: str, rows: int, data: Callable[[], bytes], *, key: str, file_name: str) -> None:
    """A CSV download button, or a warning when the CSV would hold more rows than an export may."""
    try:
        check_size(rows)
    except LotiDemandError as exc:
        st.warning(str(exc))
        return
    # The CSV is written when the button is pressed, not on every run: a large table's CSV takes longer to write
    # than the page takes to draw.
    st.download_button(
        label,
        data=data,
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def download_name(
    name: str, filters: Sequence[str | None] = (), months: tuple[dt.date | None, dt.date | None] | None = None
) -> str:
    """A table's CSV file name: export.file_stem of the table, its filters, its months and the data-as-of date."""
    first, last = months or (None, None)
    return f"{file_stem(name, *filters, month_from=first, month_to=last, as_of=as_of())}.csv"


def _ready(
    data: pd.DataFrame | dict[str, pd.Series], columns: tuple[str, ...], period: str | None = None
) -> tuple[pd.DataFrame, pa.Table, dict, list[str]]:
    """The table's rows as the CSV has them (`shown`), the grid's rows (`grid`: supplier names as links to profiles
    showing `period`), the grid's column headers and formats, and the ids of the suppliers it names, in the order
    they first appear.

    The grid is Arrow, converted here as st.dataframe would convert the frame (so the browser gets the same bytes),
    not on every run: up to LAZY_ROWS rows as it sends a whole table, a longer one with its index as a column, as
    its lazy source pages through it. It is only read (a pyarrow table cannot be changed). Columns left as they are
    share their memory with the query's answer (copy-on-write copies a column only when it is changed)."""
    shown = pd.DataFrame(data, copy=False)[list(columns)]
    for column in columns:  # dates held as midnight timestamps show and download as plain dates
        if (
            pd.api.types.is_datetime64_any_dtype(shown[column])
            and (shown[column].dropna().dt.normalize() == shown[column].dropna()).all()
        ):
            shown[column] = shown[column].dt.date
    column_config, screen = {}, shown.copy(deep=False)  # screen: what the grid shows (supplier names as links)
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
            shown[column] = screen[column] = web_urls(shown[column])  # a javascript: address: not shown, nor sent
            column_config[column] = st.column_config.LinkColumn(label(column), display_text=LINKS[column])
        elif column in SUPPLIER_LINKS and SUPPLIER_LINKS[column] in data:
            screen[column] = supplier_links(data[SUPPLIER_LINKS[column]], shown[column], period)
            column_config[column] = st.column_config.LinkColumn(label(column), display_text=SUPPLIER_LINK_TEXT)
        else:
            column_config[column] = st.column_config.Column(label(column))
    lazy = len(screen) > LAZY_ROWS
    grid = dataframe_util.convert_pandas_df_to_arrow_table(screen, preserve_index=True if lazy else None)
    suppliers = [
        i
        for column in columns
        if SUPPLIER_LINKS.get(column) in data
        for i in data[SUPPLIER_LINKS[column]].dropna().unique().tolist()  # in the order they first appear
    ]
    return shown, grid, column_config, list(dict.fromkeys(suppliers))


SUPPLIER_SHORTCUTS = 12


def supplier_shortcuts(ids: list[str], period: str | None = None) -> None:
    """Page links to the profiles of the suppliers a table names (`ids`: the first SUPPLIER_SHORTCUTS, in the table's
    order).

    The grid's own links are drawn on a canvas: a mouse can follow them, a keyboard cannot (a cell's overlay closes on
    Tab). These links are in the page, reachable by Tab and followed with Enter, in the same tab."""
    if not ids:
        return
    names, _ = supplier_names()
    linked = [i for i in ids if i in names]
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.caption("Supplier profiles:")
        for supplier_id in linked[:SUPPLIER_SHORTCUTS]:
            st.page_link(
                "pages/supplier.py",
                label=plain(names[supplier_id]),
                icon="",
                query_params={"supplier": supplier_id, **({"period": period} if period else {})},
            )
        if len(linked) > SUPPLIER_SHORTCUTS:
            st.caption(f"and {len(linked) - SUPPLIER_SHORTCUTS:,} more: choose them on the Supplier profile page.")


def borough_shortcuts(codes: list[str], *, category: str | None = None) -> None:
    """Page links from a challenge to its boroughs' profiles, and to the Demand calendar of each borough (in the
    challenge's tech category, where it has one): what they spend and plan to buy. In the page, reachable by Tab."""
    names = borough_names()
    linked = [code for code in codes if code in names]
    if not linked:
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.caption("Borough profiles:")
        for code in linked:
            st.page_link("pages/borough.py", label=plain(names[code]), icon="", query_params={"borough": code})
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.caption("What they plan to buy" + (" in this category" if category else "") + ":")
        for code in linked:
            st.page_link(
                "pages/calendar.py",
                label=f"{plain(names[code])} in the Demand calendar",
                icon="",
                query_params={"borough": code, **({"category": category} if category else {})},
            )


def top_n(df: pd.DataFrame, n: int) -> tuple[pd.DataFrame, bool]:
    """The first n rows of a query that fetched n + 1, and whether there were more."""
    return df.head(n), len(df) > n


def text_download(label: str, text: str, *, file_name: str, key: str) -> None:
    st.download_button(
        label,
        data=text.encode("utf-8"),
        file_name=file_name,
        mime="text/markdown",
        key=key,
        on_click="ignore",
        icon=":material/description:",
    )


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
    st.html(_COPY_LINK.format(id=f"copy-link-{key}", link=html.escape(link, quote=True)), unsafe_allow_javascript=True)
    return link


def alert_downloads(page: str, rows: pd.DataFrame, *, key: str) -> None:
    """Copy link, an Atom feed and a calendar file (.ics) of the rows on screen: alerts without an account. The
    files are written when their button is pressed."""
    from functools import partial

    from loti_demand import alerts

    built = alerts.built_at_value(build_info()["built_at"])
    title = alerts.title(page, st.query_params.to_dict())
    make = alerts.calendar_alerts if page == "calendar" else alerts.challenge_alerts
    view = partial(make, rows, title=title, built=built)
    cols = st.columns([1, 1, 1])
    with cols[0]:
        link = copy_link(key=key)
    cols[1].download_button(
        "Atom feed of this view",
        data=lambda: alerts.atom(view().entries, title=title, link=link, updated=built),
        file_name=f"{page}.atom",
        mime="application/atom+xml",
        key=f"{key}_atom",
        on_click="ignore",
        icon=":material/rss_feed:",
        help="For a feed reader or an e-mail alert service. To follow this view as it "
        "changes, publish `python -m loti_demand export feed --link LINK` on a schedule.",
    )
    cols[2].download_button(
        "Calendar file (.ics)",
        data=lambda: alerts.ics(view().events, name=title, stamp=built),
        file_name=f"{page}.ics",
        mime="text/calendar",
        key=f"{key}_ics",
        on_click="ignore",
        icon=":material/event:",
        help="Dates as all-day events, for Outlook, Google or Apple Calendar.",
    )
