"""Page furniture: the header every page opens with (title, sample-data banner, data-as-of line), the page shown
for an unknown address, charts with their sentence, a clicked borough, and the links to what is growing."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import streamlit as st

from loti_demand.config import PROJECT_DIR
from loti_demand.ui.data import Kept, area, build_info, leave_legacy_multipage_mode
from loti_demand.ui.text import long_date, plain

GSS_CODE = re.compile(r"[EWSN]\d{8}")  # a local authority's ONS code, such as E09000007 (Camden) or E08000003
# The browser tab's icon, sent inline: the data address Streamlit made of the file on every run, made once. (A Material
# icon name would make every browser fetch it from a font server.)
FAVICON = (
    "data:image/svg+xml;base64," + base64.b64encode((PROJECT_DIR / "assets" / "favicon.svg").read_bytes()).decode()
)

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
/* The page header (60px) covers the top of the main area, where the browser scrolled a focused element: keep it
   below (WCAG 2.4.11). */
[data-testid="stMain"] { scroll-padding-top: 4.5rem; }
/* A table's toolbar buttons (show/hide columns, search, full screen) take focus but showed none. */
[data-testid="stBaseButton-elementToolbar"]:focus-visible { outline: 3px solid #244fb4 !important; }
/* The "x" that removes a chosen item from a list box is a 24px target (WCAG 2.5.8), not 15 by 7. */
[data-testid="stMultiSelect"] button[aria-label^="Remove"] { min-width: 24px; min-height: 24px; }
</style>
"""


def page_header(title: str, intro: str) -> None:
    """Title, a one-line purpose, the sample-data banner and the data-as-of line: on every page."""
    leave_legacy_multipage_mode()
    st.markdown(CSS, unsafe_allow_html=True)
    st.title(title)
    st.write(intro)
    info = build_info()
    if bool(info["is_sample"]):
        st.info(
            "This dashboard is showing **synthetic sample data** (fictional suppliers and projects), "
            "not real council data. Build a warehouse from real files to replace it: see docs/building.md.",
            icon=":material/science:",
        )

    def day(column: str, what: str) -> str:
        return f"{what} to {when}" if (when := long_date(info[column])) else f"no {what.lower()} loaded"

    st.caption(
        f"{area().name} tech demand. Data as of {long_date(info['data_as_of']) or 'unknown'}. "
        f"{day('spend_as_of', 'Spend')}; {day('notices_as_of', 'notices')}; built {long_date(info['built_at'])}."
    )


T = TypeVar("T")
_ONCE = Kept(16)  # values made once per server process, by name


def glossary(*terms: str) -> None:
    """The procurement words a page uses, explained in plain English (method_notes.GLOSSARY), in an expander."""
    from loti_demand.presentation.method_notes import glossary as entries

    with st.expander("Words used on this page"):
        st.markdown(entries(*terms))


def made_once(name: str, make: Callable[[], T]) -> T:
    """make()'s value, made the first time `name` is asked for in this server process (by the first run to ask; any
    other run asking meanwhile waits for it) and the same object after."""
    return _ONCE.get(name, make)


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
        page_header(
            "Page not found", f"There is no page at /{plain(path[:100])} in this dashboard. Choose one of these pages:"
        )
        for page in pages:
            st.page_link(page, label=page.title, icon=page.icon)

    return [st.Page(not_found, title="Page not found", url_path=path, visibility="hidden")]


def chart(fig, *, key: str, summary: str, on_select: str = "ignore", selection_mode=("points",)):
    """A plotly chart with alt text, followed by the same one-sentence summary as text for everyone."""
    event = st.plotly_chart(
        fig, key=key, alt=summary, on_select=on_select, selection_mode=selection_mode, config={"displaylogo": False}
    )
    st.write(summary)
    return event


def selected_borough(event) -> str | None:
    """The GSS code of the authority clicked on a map (tile or geographic), if any."""
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else []
    if not points and hasattr(event, "selection"):
        points = event.selection.get("points", [])
    for point in points:
        custom = point.get("customdata")
        if isinstance(custom, list | tuple) and custom and GSS_CODE.fullmatch(str(custom[0])):
            return str(custom[0])
        if GSS_CODE.fullmatch(str(point.get("location", ""))):
            return str(point["location"])
    return None


def term_links(terms: pd.DataFrame) -> None:
    """The first growth.TERMS_SHOWN watched terms (growth.terms_growth rows) as links to the searches behind their
    counts: the Demand calendar's (every London notice with the term, any year) where notices mention it, and
    Challenges' where challenge statements do."""
    from loti_demand.growth import TERMS_SHOWN
    from loti_demand.presentation.sentences import plural

    pages = (
        ("pages/calendar.py", "notices", ("notice", "notices"), ":material/search:"),
        ("pages/challenges.py", "statements", ("challenge", "challenges"), ":material/lightbulb:"),
    )
    for row in terms.head(TERMS_SHOWN).to_dict("records"):
        cols = st.columns(2)
        for col, (page, counts, words, icon) in zip(cols, pages, strict=True):
            latest, before = int(row[f"{counts}_latest"]), int(row[f"{counts}_before"])
            if latest or before:
                col.page_link(
                    page,
                    query_params={"q": row["search_text"]},
                    icon=icon,
                    label=f"{row['term']}: {plural(latest, *words)} in the latest year ({before:,} the year before)",
                )
