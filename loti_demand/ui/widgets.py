"""The filters several pages share (tech category, borough, period), each kept in the URL."""

from __future__ import annotations

from loti_demand.ui.data import borough_names, category_labels
from loti_demand.ui.url_state import url_multiselect, url_selectbox


def category_choice(*, many: bool = False, key: str = "category") -> str | list[str] | None:
    """Tech categories to show, kept in the URL: one, or None for all; with `many`, a list (empty = all)."""
    labels = category_labels()
    if many:
        return url_multiselect(
            "Tech category", list(labels), key=key, format_func=labels.get, placeholder="All categories"
        )
    labels = {"all": "All tech categories", **labels}
    value = url_selectbox("Tech category", list(labels), key=key, format_func=labels.get)
    return None if value == "all" else value


def borough_choice(label: str, *, key: str, everyone: str = "All boroughs") -> str:
    """One borough (GSS code) or '' for all, kept in the URL."""
    labels = borough_names()
    return url_selectbox(label, ["", *labels], key=key, format_func=lambda c: labels.get(c, everyone))


def period_selectbox(periods: list, *, key: str = "period", label: str = "Period", help: str | None = None):
    """Pick one of the periods (loti_demand.periods.Period) worked out from the data; kept in the URL by key."""
    by_key = {p.key: p for p in periods}
    chosen = url_selectbox(label, list(by_key), key=key, format_func=lambda k: by_key[k].label, help=help)
    return by_key[chosen]
