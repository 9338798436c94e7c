"""loti-demand: the London tech demand picture."""

from __future__ import annotations

__version__ = "0.1.0"
