"""Paths to the real shared data (../shared/data/real), for conftest and the tests that read it.

Kept out of conftest.py so that test modules can import it: tests/browser has a conftest.py too, and
`from conftest import ...` would find whichever was imported first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real"


def real_file(relative: str) -> Path:
    """A file under ../shared/data/real, or skip the test cleanly when the shared data is absent."""
    path = REAL / relative
    if not path.exists():
        pytest.skip(f"shared real data not present: {path}")
    return path


# The real spend files (../shared/data/real/spend), each under a London borough folder: Lambeth's own file
# under lambeth, the non-London publishers under stand-in boroughs (ingest accepts any --borough for them).
REAL_SPEND_FOLDERS = {
    "lambeth": ["lambeth_2012-06_invoices_over_500.csv"],
    "camden": ["devon_DCCSpendingOver500_201202.csv", "devon_DCCSpendingOver500_202603.csv"],
    "hackney": ["oxford_city_expenditure-over-500-jan-mar-2014.csv",
                "oxford_city_expenditure-over-500-jan-mar-2018.csv"],
    "islington": ["trafford-supplier-spend-2026-27.zip"],
}
