"""CSV exports opened in Excel: no text cell can start a formula, numbers (negative ones too) stay numbers,
blanks stay blank, and an export over the row limit is refused with a clear message."""

from __future__ import annotations

import csv
import io
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames

from loti_demand.exceptions import LotiDemandError
from loti_demand.export import to_csv_bytes

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def read_back(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def assert_no_formula_cells(data: bytes, name: str = "export") -> None:
    """Every cell that starts with a formula character is a plain number (e.g. -12.50)."""
    for number, row in enumerate(read_back(data), start=1):
        for cell in row:
            assert not cell.startswith(FORMULA_START) or _is_number(cell), f"{name} row {number}: {cell[:40]!r}"


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")', "-", "=", "+44 20 7946 0000"]
)
def test_formula_text_is_neutralised(text: str) -> None:
    rows = read_back(to_csv_bytes(pd.DataFrame({"supplier_name": [text]})))
    assert rows[1] == ["'" + text]


def test_numbers_stay_numbers_and_blanks_stay_blank() -> None:
    df = pd.DataFrame(
        {
            "decimal": [Decimal("-12.50"), None],
            "float": [-1.5, np.nan],
            "int64": np.array([-5, 3], dtype="int64"),
            "nullable": pd.array([-7, None], dtype="Int64"),
            "float32": np.array([-2.5, np.nan], dtype="float32"),
            "when": [pd.Timestamp("2025-01-31"), pd.NaT],
            "text": ["-x", None],
        }
    )
    rows = read_back(to_csv_bytes(df))
    assert rows[1][:5] == ["-12.50", "-1.5", "-5", "-7", "-2.5"]  # found: -7 (nullable Int64) was written '-7
    assert rows[1][6] == "'-x"
    assert rows[2] == ["", "", "3", "", "", "", ""]  # found: <NA> and NaT were written as text


def test_export_over_the_limit_is_refused_with_a_clear_message(monkeypatch) -> None:
    df = pd.DataFrame({"a": range(11)})
    with pytest.raises(LotiDemandError, match=r"11 rows, more than the limit of 10.*LOTI_DEMAND_MAX_EXPORT_ROWS"):
        to_csv_bytes(df, max_rows=10)
    monkeypatch.setenv("LOTI_DEMAND_MAX_EXPORT_ROWS", "5")
    with pytest.raises(LotiDemandError, match="narrow the filters"):
        to_csv_bytes(df)
    assert len(read_back(to_csv_bytes(df.head(5)))) == 6


@settings(max_examples=200)
@given(
    data_frames(
        [
            column("text", dtype=object, elements=st.one_of(st.none(), st.text())),
            column("amount", elements=st.floats(allow_nan=True, allow_infinity=False, width=64)),
            column("count", dtype="int64", elements=st.integers(-(2**40), 2**40)),
        ]
    )
)
def test_no_text_cell_can_start_a_formula(df: pd.DataFrame) -> None:
    rows = read_back(to_csv_bytes(df))
    assert len(rows) == len(df) + 1, "one line per row, however the text is quoted"
    for (text, amount, count), (text_cell, amount_cell, count_cell) in zip(
        df.itertuples(index=False, name=None), rows[1:], strict=True
    ):
        assert not text_cell.startswith(FORMULA_START)
        if text is not None:
            assert text_cell == ("'" + text if text.startswith(FORMULA_START) else text), "text kept exactly"
        # numbers are written to 15 significant digits, as a spreadsheet keeps them
        assert amount_cell == "" if math.isnan(amount) else math.isclose(float(amount_cell), amount, rel_tol=1e-14)
        assert int(count_cell) == count


# --- Download file names ------------------------------------------------------------------------------------------


def test_a_file_name_says_the_table_its_filters_its_months_and_the_data_as_of_date() -> None:
    import datetime as dt

    from loti_demand.export import chosen_part, file_part, file_stem, search_part, summary_file_stem

    as_of = dt.date(2026, 3, 31)
    year = {"month_from": dt.date(2024, 4, 1), "month_to": dt.date(2025, 3, 31), "as_of": as_of}
    # a choice of boroughs and a category are named; none chosen (all) adds nothing, so the two differ
    chosen = file_stem(
        "tech_spend_over_time", chosen_part(["E09000007", "GLA"], "areas"), file_part("software"), **year
    )
    every = file_stem("tech_spend_over_time", chosen_part([], "areas"), file_part(None), **year)
    assert chosen == "tech_spend_over_time_E09000007+GLA_software_2024-04_to_2025-03_as_of_2026-03-31"
    assert every == "tech_spend_over_time_2024-04_to_2025-03_as_of_2026-03-31"
    # many values are counted; keys and words are file-name safe ('_' parts the name, so a key's becomes '-')
    assert chosen_part(["E09000007", "E09000033", "GLA"], "boroughs") == "3_boroughs"
    assert chosen_part(["under_100k"], "value_bands") == "under-100k"
    assert search_part(' "Case management" / AI? ') == "search-case-management-ai"
    assert search_part("") is None and file_part("Crème brûlée Ltd.") == "Creme-brulee-Ltd"
    # the summary export's names are made the same way
    assert summary_file_stem(("borough",), dt.date(2025, 4, 1), None, as_of) == (
        "demand_summary_by_borough_2025-04_as_of_2026-03-31"
    )


def test_a_file_name_stays_short_whatever_is_chosen() -> None:
    import datetime as dt

    from loti_demand.export import FILTER_CHARS, FILTERS_CHARS, chosen_part, file_part, file_stem, search_part

    words = "cloud hosting for the social care case management system replacement " * 5
    assert len(search_part(words)) <= FILTER_CHARS and search_part(words).startswith("search-cloud-hosting")
    assert len(file_part("x" * 200)) == FILTER_CHARS
    stem = file_stem(
        "demand_calendar",
        search_part(words),
        chosen_part(["software", "cloud_hosting"], "categories"),
        chosen_part(["E09000007", "GLA"], "areas"),
        chosen_part(["under_100k", "100k_500k"], "value_bands"),
        "sme-not-stated",
        "statutory-only",
        month_from=dt.date(2026, 3, 1),
        month_to=dt.date(2027, 8, 31),
        as_of=dt.date(2026, 3, 31),
    )
    filters = stem.removeprefix("demand_calendar_").removesuffix("_2026-03_to_2027-08_as_of_2026-03-31")
    assert len(filters) <= FILTERS_CHARS and len(stem) < 160, stem
    assert "statutory-only" in filters and "E09000007+GLA" in filters and filters.startswith("search-cloud")
    assert all(c.isalnum() or c in "+_-" for c in stem)
