"""Measures, dimensions and rules, defined once: queries, chart titles, table headers and CSV headers use these
names. One module per job: `measures` (the measures and their formats), `labels` (column headers), `rules`
(demand calendar, value bands, publication quality) and `concentration` (market shares and HHI)."""

from loti_demand.metrics.concentration import concentration_band, hhi, market_shares, top_share
from loti_demand.metrics.labels import label
from loti_demand.metrics.measures import MAP_MEASURES, MEASURES, format_gbp
from loti_demand.metrics.rules import (
    INFERRED,
    LONDON_WIDE,
    QUALITY_COMPONENTS,
    QUALITY_RULES,
    QUALITY_SCORE,
    REPLACEMENT,
    REPROCUREMENT,
    STATUTORY,
    VALUE_BAND_LABELS,
    VALUE_BANDS,
    value_band,
)

__all__ = [
    "INFERRED",
    "LONDON_WIDE",
    "MAP_MEASURES",
    "MEASURES",
    "QUALITY_COMPONENTS",
    "QUALITY_RULES",
    "QUALITY_SCORE",
    "REPLACEMENT",
    "REPROCUREMENT",
    "STATUTORY",
    "VALUE_BANDS",
    "VALUE_BAND_LABELS",
    "concentration_band",
    "format_gbp",
    "hhi",
    "label",
    "market_shares",
    "top_share",
    "value_band",
]
