"""Resolve an organisation (a council, a buyer in a notice) to a London borough GSS code."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from loti_demand.normalise.text import fold

GSS_CODE = re.compile(r"(?<![A-Z0-9])[ENSW]\d{8}(?!\d)")  # a local authority's ONS code: E09000003, E08000003...
# Words that decorate a council's name without identifying it.
_DECORATION = re.compile(
    r"\b(the|london borough of|royal borough of|borough of|lb of|lb|council|london borough council|"
    r"borough council|city council|corporation|the mayor and burgesses of)\b"
)


def borough_from_identifier(identifier: object) -> str | None:
    """'GB-LAC-E09000003', 'E09000003' or an ONS URI -> 'E09000003'; None when no authority's code is in it (whether
    the code is one of the region's authorities is for match_borough to say)."""
    if not identifier:
        return None
    match = GSS_CODE.search(str(identifier).upper())
    return match.group(0) if match else None


def name_key(name: str) -> str:
    """Fold a name and strip the decoration, so 'London Borough of Merton' and 'Merton Council' agree."""
    key = _DECORATION.sub(" ", fold(name))
    return re.sub(r"\s+", " ", key).strip()


def build_alias_index(aliases: Mapping[str, str]) -> dict[str, str]:
    """Index aliases by their folded form and by their undecorated key; ambiguous keys are dropped."""
    index: dict[str, str] = {}
    ambiguous: set[str] = set()
    for alias, code in aliases.items():
        for key in {fold(alias), name_key(alias)}:
            if not key:
                continue
            if key in index and index[key] != code:
                ambiguous.add(key)
            index[key] = code
    for key in ambiguous:
        del index[key]
    return index


def match_borough(name: object, alias_index: Mapping[str, str]) -> str | None:
    """Return the GSS code of the region's authority (in `alias_index`) the name or code refers to, or None."""
    if not name:
        return None
    code, code_key, folded, key = _keys(str(name))
    if code and alias_index.get(code_key) == code:
        return code
    if folded in alias_index:
        return alias_index[folded]
    return alias_index.get(key)


@lru_cache(maxsize=1 << 12)  # buyers' names and identifiers recur in every release they publish
def _keys(text: str) -> tuple[str | None, str, str, str]:
    """The keys match_borough looks a name up by: the authority's code in it, then the name folded, then undecorated."""
    code = borough_from_identifier(text)
    return code, fold(code) if code else "", fold(text), name_key(text)
