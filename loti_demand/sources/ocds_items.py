"""One item of an OCDS file, and why an item cannot be loaded as a release (so it is quarantined with that
reason)."""

from __future__ import annotations

from dataclasses import dataclass

from loti_demand.sources.detect import CONTROL


@dataclass
class RawRelease:
    """One item of an OCDS file: a release (with its text as published) or a quarantined item."""

    position: int  # 1-based ordinal of the item in the file
    line: int  # line where it starts
    text: str
    release: dict | None
    problem: str | None = None

    @property
    def ocid(self) -> str | None:
        return _text(self.release.get("ocid")) if self.release else None

    @property
    def release_id(self) -> str | None:
        return _text(self.release.get("id")) if self.release else None

    @property
    def date(self) -> str | None:
        return _text(self.release.get("date")) if self.release else None


def _text(value: object) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def control_problem(value: object) -> str | None:
    """Name the first string in a release holding a control character (tab and line breaks are text): NUL and the
    like are damage, and would be stored inside a title or a supplier's name."""
    stack: list[tuple[str, object]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if found := CONTROL.search(item):
                return (
                    f"release holds a control character U+{ord(found.group()):04X} in {path or 'a string'}: "
                    "not text a publisher types, so the release is damaged"
                )
        elif isinstance(item, dict):
            stack += [(f"{path}.{key}" if path else str(key), v) for key, v in reversed(item.items())]
        elif isinstance(item, list):
            stack += [(path, v) for v in reversed(item)]
    return None


def is_linked(release: dict) -> bool:
    """A linked release in a record: a URL to the release, not its data."""
    return "url" in release and "ocid" not in release and "tender" not in release


def release_problem(value: object) -> str | None:
    """Why an item cannot be loaded as an OCDS release, or None when it can."""
    if not isinstance(value, dict):
        kind = {list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(type(value), "a number")
        return f"item is {kind}, not an OCDS release object"
    for key, what in (("ocid", "ocid"), ("id", "release id"), ("date", "date")):
        if _text(value.get(key)) is None:
            return f"object has no {what}: not an OCDS release"
    return None
