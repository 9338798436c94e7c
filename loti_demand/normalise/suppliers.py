"""Normalise supplier names so spelling variants of one company share a key.

'MICROSOFT LTD', 'Microsoft Limited' and 'Microsoft Ltd.' all give 'microsoft'. Trading names
('ACME LTD T/A WIDGETCO') keep the legal name part.
"""

from __future__ import annotations

import re

from loti_demand.normalise.text import fold

_TRADING_AS = re.compile(r"\s+(t/a|ta|trading as)\s+.*$", re.IGNORECASE)
_SUFFIXES = re.compile(
    r"\b(limited|ltd|plc|llp|lp|llc|inc|incorporated|co|company|uk|gb|group|holdings|the)\b"
)
REDACTED = re.compile(
    r"redact|personal data|data protection|dp act|gdpr|withheld|private individual|\bindividual\b|"
    r"name removed|not disclosed|confidential",
    re.IGNORECASE,
)


def is_redacted(name: str | None) -> bool:
    """True when the council has withheld the payee's name (REDACTED, 'Redacted under DP Act', ...)."""
    return bool(name) and bool(REDACTED.search(name))


def supplier_key(name: str | None) -> str | None:
    """A matching key for a supplier name; None for blank or redacted names."""
    if not name or is_redacted(name):
        return None
    legal = _TRADING_AS.sub("", name.strip())
    key = _SUFFIXES.sub(" ", fold(legal))
    key = re.sub(r"\s+", " ", key).strip()
    return key or fold(legal) or None
