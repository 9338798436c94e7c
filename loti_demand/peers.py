"""A borough beside its peers: the boroughs it shares a border with (data/reference/borough_neighbours.csv), the
median of its half of London (Inner or Outer, the ONS statistical definition) and the London median, per resident.
Pure: no I/O. The figures are borough_measures', so they are the ones the map and the Spend page show."""

from __future__ import annotations

import pandas as pd

VALUE = "tech_spend_per_resident_gbp"
THIS, NEIGHBOUR, MEDIAN = "This borough", "Neighbour", "Median"
COLUMNS = ["borough_code", "peer_name", "peer_role", "tech_spend_gbp", "population", VALUE, "months_covered"]


def _median_row(values: pd.Series, name: str, among: str) -> dict:
    """A median over the boroughs with a figure; the role says how many that is."""
    found = values.dropna().astype(float)
    return {
        "borough_code": None,
        "peer_name": name,
        "peer_role": f"{MEDIAN} of {len(found)} {among}",
        VALUE: float(found.median()) if len(found) else None,
    }


def compare(measures: pd.DataFrame, peers: pd.DataFrame, code: str) -> pd.DataFrame:
    """Rows to show: the borough, its neighbours (highest figure first, those without data last), the median of its
    half of London and the London median.

    `measures` is borough_measures for the window; `peers` is queries/borough_peers.sql for `code`. A median is
    taken over the boroughs with spend data in the window (a borough without it has no figure, not 0), as the
    London median on the other pages is."""
    data = measures.merge(peers, on="borough_code", how="inner").rename(columns={"borough_name": "peer_name"})
    me = data[data["peer"] == "borough"].assign(peer_role=THIS)
    if me.empty:
        raise ValueError(f"{code!r} is not a London borough code")
    neighbours = (
        data[data["peer"] == "neighbour"]
        .assign(peer_role=NEIGHBOUR)
        .sort_values([VALUE, "peer_name"], ascending=[False, True], na_position="last")
    )
    half = me["inner_outer"].iloc[0]
    medians = pd.DataFrame(
        [
            _median_row(
                data.loc[data["inner_outer"] == half, VALUE],
                f"{half} London median",
                f"{half} London authorities with spend data",
            ),
            _median_row(data[VALUE], "London median", "London authorities with spend data"),
        ]
    )
    rows = pd.concat([me, neighbours, medians], ignore_index=True)[COLUMNS]
    return rows.astype({"borough_code": "str", "population": "Int64", "months_covered": "Int64"})  # as DuckDB gives
