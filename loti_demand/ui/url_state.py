"""Filters kept in the URL, so a copied link reopens the same view.

Each widget is seeded from st.query_params (validated against an allow-list: an unknown value is ignored with a
notice) when a page opens, and writes its value back to the URL on every run. Defaults are left out of the URL to
keep links short. The page opens anew whenever the address is not the one the last run left: the browser's Back or
Forward, a link from another page, an address typed or pasted. Its filters are then read from the address, not
from what the widgets last held (which would write the old view back over the address).
"""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from loti_demand.ui.text import plain


def _seed(key: str, allowed: Collection[str] | None, label: str, multi: bool = False) -> None:
    st.session_state.setdefault("_url_keys", set()).add(key)
    if key in st.session_state or key not in st.query_params:
        return
    raw = st.query_params.get_all(key) if multi else [st.query_params[key]]
    values = [v for part in raw for v in (part.split(",") if multi else [part]) if v != ""]
    if allowed is not None:
        bad = [v for v in values if v not in allowed]
        if bad:  # shown escaped: a link must not be able to put markdown (links, images) into the notice
            st.session_state.setdefault("_ignored_params", []).append(
                f"{plain(label)}: {', '.join(plain(repr(b[:40])) for b in bad)}"
            )
            _show_ignored()
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
    _left_address()


def keep_in_url(key: str, value: str) -> None:
    """Put a value in the address that no widget writes (the Supplier profile names its supplier even when it opens
    on the default one), noting the address as a widget's change does."""
    _write(key, value, None)


def url_selectbox(
    label: str,
    options: list[str],
    *,
    key: str,
    default: str | None = None,
    format_func=str,
    help: str | None = None,
    allowed: Collection[str] | None = None,
) -> str:
    """A selectbox whose value lives in the URL as ?key=value. `allowed`: every value a link may choose, when the box
    offers only some of them (the Supplier profile's list); a chosen value it does not offer is offered first."""
    _seed(key, [str(o) for o in options] if allowed is None else allowed, label)
    if allowed is not None:
        chosen = st.session_state.get(key, default)
        if chosen in allowed and chosen not in options:
            options = [chosen, *options]
    if st.session_state.get(key) not in options:  # unset, or a choice the current filters no longer offer
        st.session_state[key] = default if default is not None else options[0]
    value = st.selectbox(label, options, key=key, format_func=format_func, help=help)
    _write(key, value, default if default is not None else options[0])
    return value


def url_multiselect(
    label: str, options: list[str], *, key: str, format_func=str, help: str | None = None, placeholder: str = "All"
) -> list[str]:
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


def url_number(
    label: str, *, key: str, default: int, min_value: int, max_value: int, step: int = 1, help: str | None = None
) -> int:
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


def url_facet(
    label: str, options: dict[str, str], *, key: str, none_label: str = "All", help: str | None = None
) -> str | None:
    """A url_selectbox over {value: label} choices (e.g. from facet_options) with a first "All" choice;
    returns the chosen value, or None for "All"."""
    if st.session_state.get(key):
        # A choice's label can change between runs (facet counts follow the other filters), and Streamlit 1.67
        # sends the browser a selectbox's value, label and all, only when the value changes: setting it again
        # makes the box show the chosen value's new label instead of the old one.
        st.session_state[key] = st.session_state[key]
    value = url_selectbox(
        label, ["", *options], key=key, help=help, format_func=lambda v: options.get(v, none_label) if v else none_label
    )
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
    """Say which values in the link were not recognised (call once per page, after its first filters). The notice
    is a placeholder that filters drawn later on the page add to, so it shows on the page whose link held the value
    (before, a later filter's value waited for the next page that showed notices)."""
    st.session_state["_ignored_notice"] = (st.empty(), [])
    _show_ignored()


def _show_ignored() -> None:
    slot, shown = st.session_state.get("_ignored_notice", (None, []))
    if slot is None:
        return
    shown += st.session_state.pop("_ignored_params", [])
    if shown:
        slot.warning("Some values in the link were not recognised and were ignored: " + "; ".join(shown))


def _address() -> tuple:
    return st.session_state.get("_page"), tuple(sorted(st.query_params.to_dict().items()))


def _left_address() -> None:
    """Note the address as this run leaves it (so far), for the next run's new_page_run to compare."""
    st.session_state["_address"] = _address()


def new_page_run(page: str) -> None:
    """Before each run of `page` (dashboard.py): forget the last run's notice placeholder, and if the address is
    not the one the last run left, forget every filter's value, so that each is read from the address again."""
    st.session_state.pop("_ignored_notice", None)
    st.session_state["_page"] = page
    if st.session_state.get("_address") != _address():
        for key in st.session_state.get("_url_keys", ()):
            st.session_state.pop(key, None)
    _left_address()


def page_link() -> str:
    """The address of this page with its filters: what Copy link copies and a feed links back to."""
    from urllib.parse import urlencode

    base = st.context.url or ""
    params = urlencode(st.query_params.to_dict())
    return f"{base}?{params}" if params else base
