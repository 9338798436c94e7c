"""Run-wide constants of the sample: the seed, the fixed dates, the fault rates and the layout names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

DEFAULT_SEED = 20261126
AS_OF = dt.date(2026, 4, 1)
FIXED_TIMESTAMP = dt.datetime(2026, 4, 1, 9, 0, 0)
ZIP_DATE_TIME = (2026, 4, 1, 9, 0, 0)
FINANCIAL_YEARS = (2023, 2024, 2025)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PENNY = Decimal("0.01")
BAD_LINE_RATE = 1 / 1500
REPEATED_LINES = 10
MARKER = "SAMPLE.md"
LAYOUT_NAMES = ("preamble", "lga", "bom", "xlsx", "cp1252")
# The London-wide bodies with sample spend, each in its own SAP export layout: (code, name, layout).
BODIES = (("GLA", "Greater London Authority", "sap-gla"), ("TFL", "Transport for London", "sap-tfl"))
BODY_LAYOUT_NAMES = tuple(layout for _, _, layout in BODIES)
