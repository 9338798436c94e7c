"""Supplier concentration arithmetic: market shares, HHI, top-n share and the concentration band."""

from __future__ import annotations

import math
from collections.abc import Iterable

# --- Reference implementations of the supplier measures. The SQL in queries/ computes them in bulk; the tests
# check the two agree on the sample warehouse.


def market_shares(amounts: Iterable[float]) -> list[float]:
    """Each supplier's net spend as a percentage (0-100) of the total. Suppliers whose credit notes exceed their
    payments (net zero or less) have no share and are left out of the base; no positive spend gives no shares."""
    values = [float(a) for a in amounts if float(a) > 0]
    total = sum(values)
    return [100 * v / total for v in values] if total else []


def hhi(amounts: Iterable[float]) -> float | None:
    """Herfindahl-Hirschman Index on the 0-10,000 scale: the sum of squared percentage shares."""
    shares = market_shares(amounts)
    return sum(s * s for s in shares) if shares else None


def top_share(amounts: Iterable[float], n: int = 3) -> float | None:
    """Percentage of the (positive) total held by the n largest suppliers."""
    shares = sorted(market_shares(amounts), reverse=True)
    return sum(shares[:n]) if shares else None


def concentration_band(index: float | None) -> str:
    """Plain-English reading of an HHI, using the UK merger guidelines' thresholds (1,000 and 2,000)."""
    if index is None or (isinstance(index, float) and math.isnan(index)):
        return "No named-supplier spend"
    if index > 2000:
        return "Highly concentrated"
    if index > 1000:
        return "Concentrated"
    return "Not concentrated"
