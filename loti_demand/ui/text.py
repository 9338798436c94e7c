"""Publisher text shown safely: escaped so it shows as typed, links only to http(s) addresses, dates in words,
and the words a search found highlighted."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """Text from a publisher, escaped so Streamlit shows it as typed (no markdown, links, images or LaTeX)."""
    if is_missing(text):
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def facts(items: dict[str, object]) -> None:
    """A short list of labelled facts ("**Closes:** 30 June 2025"); empty values are shown as "not stated"."""
    st.markdown(
        "\n".join(
            f"- **{label}:** {'not stated' if is_missing(value) else plain(value)}" for label, value in items.items()
        )
    )


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


def web_urls(values: pd.Series) -> pd.Series:
    """web_url of every value of a column at once (a vectorised regular expression: the Demand calendar's 12,000
    addresses in a sixth of the time), missing where web_url gives None."""
    text = values.astype("str")
    return text.where(text.str.fullmatch(_WEB_URL.pattern, case=False).fillna(False).astype(bool))


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


def highlighted(text: object, found) -> str:
    """Publisher text as markdown (escaped as `plain`), with the words a search found in bold on a highlight."""
    from loti_demand import search

    return "".join(
        f"**:orange-background[{plain(' '.join(piece.split()))}]**" if is_match else plain(piece)
        for piece, is_match in search.highlight("" if is_missing(text) else str(text), found)
    )


def search_note(found, typed: str = "") -> None:
    """Say what a search looked for (its words, phrases and synonyms), so a synonym match is never a surprise; or,
    when the words typed hold none to search for ('the'), that nothing was searched for."""
    if typed.strip() and not found:
        st.warning(
            f"“{plain(typed.strip()[:80])}” holds no words to search for (small words such as “the” and “and” are "
            "left out), so nothing is searched for and the list below is not narrowed by it. Search for a more "
            "specific word.",
            icon=":material/search_off:",
        )
    if found:
        st.caption(
            f"Searching for {plain(found.describe())}: whole words in any form (sensor, sensors). "
            "Words that match are marked «like this» in the Search match column."
        )
