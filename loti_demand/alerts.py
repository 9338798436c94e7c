"""Alerts without accounts: a filtered Demand calendar or Challenges view as an Atom feed (for feed readers and
e-mail alert services) and an iCalendar file (for calendar apps), from the pages' download buttons and from
`export feed` / `export ics`, which take the page's link so a server can publish them on a schedule.

The feed has one entry per procurement or challenge; the calendar one all-day event per date: a procurement's
expected date and its bid deadline, a challenge's closing date. Written with feedgen and icalendar.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import duckdb
import pandas as pd

from loti_demand import periods, queries
from loti_demand.exceptions import LotiDemandError
from loti_demand.metrics import INFERRED, STATUTORY, VALUE_BAND_LABELS

# The Demand calendar's choices (pages/calendar.py shows them; links and `export feed --link` use the keys).
SME = {"any": "Any", "yes": "Yes", "no": "No", "unknown": "Not stated"}
EVIDENCE = {"any": "Both", "statutory": "Statutory notices only", "inferred": "Inferred from contract ends only"}
CONFIDENCE = {"any": "any", "statutory": STATUTORY, "inferred": INFERRED}
MONTHS_AHEAD = (18, 1, 36)  # default, least, most
CLOSING_DAYS = ("7", "14", "30", "60", "90")  # the Challenges page's "Closing within" choices
PAGES = {"calendar": "Demand calendar", "challenges": "Challenges"}
_NAMESPACE = uuid.UUID("6f1c9a52-3f0e-4d55-9a43-5b8e2f7d1c20")  # stable ids: the same item has the same id


@dataclass(frozen=True)
class Entry:
    """One item of a feed."""

    key: str
    title: str
    summary: str
    link: str | None
    updated: dt.datetime


@dataclass(frozen=True)
class Event:
    """One all-day event of a calendar file."""

    key: str
    day: dt.date
    summary: str
    description: str
    link: str | None


@dataclass(frozen=True)
class View:
    """What a page link shows: its page, a title naming the filters, the feed entries and calendar events."""

    page: str
    title: str
    entries: list[Entry]
    events: list[Event]


def _uid(key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, key))


def _day(value: object) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _instant(value: object, default: dt.datetime) -> dt.datetime:
    """A warehouse timestamp (UTC, without a zone) as an aware datetime; `default` when missing."""
    if value is None or pd.isna(value):
        return default
    return pd.Timestamp(value).to_pydatetime().replace(tzinfo=dt.UTC)


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _http(value: object) -> str | None:
    text = _text(value)
    return text if text.lower().startswith(("https://", "http://")) else None


def _money(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"£{float(value):,.0f}"


def _long_day(value: object) -> str:
    return f"{day:%-d %B %Y}" if (day := _day(value)) else ""


def _lines(pairs: list[tuple[str, object]]) -> str:
    return "\n".join(f"{name}: {text}" for name, value in pairs if (text := _text(value)))


# --- Demand calendar ----------------------------------------------------------------------------------------------


def _expected(row: object) -> str:
    """'15 May 2026 (tender deadline)'; for an item already due (dated before the data-as-of date), 'already due
    (expected 10 March 2025, contract end minus 12 months)', saying when a tender's deadline for bids has passed."""
    expected = _day(row.expected_date)
    if not expected:
        return ""
    if not row.is_due_now:
        return f"{expected:%-d %B %Y} ({row.date_basis})"
    passed = "; the deadline for bids has passed" if row.date_basis == "tender deadline" else ""
    return f"already due (expected {expected:%-d %B %Y}, {row.date_basis}{passed})"


def _shown_on(row: object) -> dt.date | None:
    """The day the page counts an item on: its expected date, or the window's first day (its calendar_month) when
    that came before it (a contract already due is shown in the first month, not in the past)."""
    expected, month = _day(row.expected_date), _day(row.calendar_month)
    return max(expected, month) if expected and month else expected


def calendar_entries(items: pd.DataFrame, built: dt.datetime) -> list[Entry]:
    """One feed entry per procurement of the calendar (queries.demand_calendar), updated when its latest notice
    was published (inferred re-procurements: when the warehouse was built)."""
    entries = []
    for row in items.itertuples(index=False):
        entries.append(
            Entry(
                key=f"notice:{row.ocid}",
                title=f"{row.title} ({row.area_name})",
                summary=_lines(
                    [
                        ("Expected", _expected(row)),
                        ("Buyer", row.buyer_name),
                        ("Tech category", row.tech_category_label),
                        ("Value", _money(row.value_gbp)),
                        ("Evidence", row.confidence),
                        ("Notice type", row.notice_type),
                        ("Current supplier(s)", row.incumbent_suppliers),
                        ("Current contract ends", _long_day(row.current_contract_end)),
                        ("Why this is the current supplier", row.incumbent_match),
                        ("New contract would end", _long_day(row.new_contract_end)),
                        ("Suitable for SMEs", row.sme_suitability),
                        ("Process id (OCID)", row.ocid),
                    ]
                ),
                link=_http(row.notice_url),
                updated=_instant(row.last_release_date, built) if row.confidence == STATUTORY else built,
            )
        )
    return entries


def calendar_events(items: pd.DataFrame) -> list[Event]:
    """Each procurement's expected date, and (for an upcoming notice) its bid deadline (tender_end) when that is
    another day, as events. An inferred re-procurement's deadline would be the old contract's, so it has none. An
    item already due is on the day the page counts it (_shown_on), and its summary says it is already due."""
    events = []
    for row in items.itertuples(index=False):
        about = _lines(
            [
                ("Buyer", row.buyer_name),
                ("Tech category", row.tech_category_label),
                ("Value", _money(row.value_gbp)),
                ("Evidence", row.confidence),
                ("Current supplier(s)", row.incumbent_suppliers),
                ("Process id (OCID)", row.ocid),
            ]
        )
        expected, deadline = _day(row.expected_date), _day(row.tender_end)
        if expected:
            what = "Re-procurement expected" if row.confidence == INFERRED else f"Expected ({row.date_basis})"
            if row.is_due_now:
                what = (
                    "Deadline for bids passed"
                    if row.date_basis == "tender deadline"
                    else f"Re-procurement already due (expected {expected:%-d %B %Y})"
                    if row.confidence == INFERRED
                    else f"Already due (expected {expected:%-d %B %Y}, {row.date_basis})"
                )
            events.append(
                Event(
                    f"notice:{row.ocid}:expected",
                    _shown_on(row),
                    f"{what}: {row.title} ({row.area_name})",
                    _lines([("Expected", _expected(row))]) + "\n" + about if row.is_due_now else about,
                    _http(row.notice_url),
                )
            )
        if deadline and deadline != expected and row.confidence == STATUTORY:
            events.append(
                Event(
                    f"notice:{row.ocid}:deadline",
                    deadline,
                    f"Deadline for bids: {row.title} ({row.area_name})",
                    about,
                    _http(row.notice_url),
                )
            )
    return events


# --- Challenges ---------------------------------------------------------------------------------------------------


def challenge_entries(found: pd.DataFrame, built: dt.datetime) -> list[Entry]:
    """One feed entry per challenge (queries.challenges_list)."""
    return [
        Entry(
            key=f"challenge:{row.challenge_id}",
            title=f"{row.title} ({row.borough_names})",
            summary=_lines(
                [
                    ("Boroughs", row.borough_names),
                    ("Theme", row.theme),
                    ("Status", row.status),
                    ("Opens", _long(row.opens_on)),
                    ("Closes", _long(row.closes_on)),
                    ("Budget", _money(row.budget_gbp)),
                    ("Led to a procurement", row.led_to_procurement),
                    ("Challenge id", row.challenge_id),
                ]
            ),
            link=_http(row.url),
            updated=built,
        )
        for row in found.itertuples(index=False)
    ]


def challenge_events(found: pd.DataFrame) -> list[Event]:
    """Each challenge's closing date as an event (a challenge with no closing date has none)."""
    return [
        Event(
            f"challenge:{row.challenge_id}:closes",
            _day(row.closes_on),
            f"Challenge closes: {row.title} ({row.borough_names})",
            _lines(
                [
                    ("Theme", row.theme),
                    ("Status", row.status),
                    ("Budget", _money(row.budget_gbp)),
                    ("Challenge id", row.challenge_id),
                ]
            ),
            _http(row.url),
        )
        for row in found.itertuples(index=False)
        if _day(row.closes_on)
    ]


def _long(value: object) -> str:
    day = _day(value)
    return f"{day:%-d %B %Y}" if day else ""


# --- Writers ------------------------------------------------------------------------------------------------------


def atom(entries: list[Entry], *, title: str, link: str | None, updated: dt.datetime) -> bytes:
    """An Atom 1.0 feed of the entries, in their order; its id comes from the title, so it stays the same."""
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.id(f"urn:uuid:{_uid('feed:' + title)}")
    feed.title(_xml(title))
    feed.author({"name": "loti-demand"})
    feed.generator("loti-demand")
    feed.updated(updated)
    if _http(link):
        feed.link(href=_xml(link), rel="alternate", type="text/html")
    for item in entries:
        entry = feed.add_entry(order="append")
        entry.id(f"urn:uuid:{_uid(item.key)}")
        entry.title(_xml(item.title))
        entry.updated(item.updated)
        entry.content(_xml(item.summary), type="text")
        if item.link:
            entry.link(href=_xml(item.link), rel="alternate")
    return feed.atom_str(pretty=True)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text without the control characters XML 1.0 cannot hold (a link's `q=%1b` decoded, a cell's stray byte):
    feedgen refuses them ("All strings must be XML compatible"), so they are dropped, not the feed."""
    return _NOT_XML.sub("", text) if isinstance(text, str) else text


def ics(events: list[Event], *, name: str, stamp: dt.datetime) -> bytes:
    """An iCalendar (RFC 5545) file with one all-day event per Event; uids stay the same between exports."""
    from icalendar import Calendar
    from icalendar import Event as CalendarEvent

    calendar = Calendar()
    calendar.add("prodid", "-//loti-demand//London tech demand//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for item in events:
        event = CalendarEvent()
        event.add("uid", f"{_uid(item.key)}@loti-demand")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + dt.timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("transp", "TRANSPARENT")
        if item.link:
            event.add("url", item.link)
        calendar.add_component(event)
    return calendar.to_ical()


# --- A page link as a view (for the CLI) --------------------------------------------------------------------------


def _one(params: Mapping[str, str], key: str, allowed: list[str], default: str) -> str:
    value = params.get(key, default)
    if value not in allowed:
        raise LotiDemandError(f"the link's {key}={value!r} is not one of the choices: {', '.join(allowed)}")
    return value


def _many(params: Mapping[str, str], key: str, allowed: list[str]) -> tuple[str, ...]:
    values = tuple(v for v in params.get(key, "").split(",") if v)
    bad = [v for v in values if v not in allowed]
    if bad:
        raise LotiDemandError(
            f"the link's {key} has {', '.join(map(repr, bad))}, not among the choices: {', '.join(allowed)}"
        )
    return values


def parse_link(link: str) -> tuple[str, dict[str, str]]:
    """(page, filters) of a dashboard link: 'https://host/calendar?q=AI&sme=yes' or just 'calendar?q=AI'."""
    parts = urlsplit(link.strip())
    page = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if page not in PAGES:
        raise LotiDemandError(
            f"{link!r} is not a link to a page with alerts: copy the link of the "
            f"{' or '.join(PAGES.values())} page (its path ends /{' or /'.join(PAGES)})"
        )
    return page, {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=False).items()}


def reference_date(info: Mapping[str, object]) -> dt.date:
    """The date 'today' means for the pages, from the build_info row: the real date, except on the synthetic
    sample, whose fixed dates would drift out of range, where it is the sample's data-as-of date."""
    if bool(info["is_sample"]) and not pd.isna(info["data_as_of"]):
        return pd.Timestamp(info["data_as_of"]).date()
    return dt.date.today()


def calendar_view(con: duckdb.DuckDBPyConnection, params: Mapping[str, str]) -> View:
    """The Demand calendar as a link with these filters shows it."""
    categories = queries.tech_categories(con)["tech_category"].tolist()
    areas = [*queries.borough_list(con)["borough_code"], *queries.body_list(con)["publisher_code"], "london_wide"]
    default, least, most = MONTHS_AHEAD
    months = _one(params, "months", [str(n) for n in range(least, most + 1)], str(default))
    date_from, date_to = periods.months_from(queries.as_of(con), int(months))
    items = queries.demand_calendar(
        con,
        date_from=date_from,
        date_to=date_to,
        categories=_many(params, "category", categories),
        areas=_many(params, "borough", areas),
        value_bands=_many(params, "value", list(VALUE_BAND_LABELS)),
        sme=_one(params, "sme", list(SME), "any"),
        confidence=CONFIDENCE[_one(params, "evidence", list(EVIDENCE), "any")],
        q=params.get("q", ""),
        as_of=queries.as_of(con),
    )
    return calendar_alerts(items, title=title("calendar", params), built=built_at(con))


def calendar_alerts(items: pd.DataFrame, *, title: str, built: dt.datetime) -> View:
    """The feed entries and calendar events of Demand calendar rows."""
    return View("calendar", title, calendar_entries(items, built), calendar_events(items))


def challenge_alerts(found: pd.DataFrame, *, title: str, built: dt.datetime) -> View:
    """The feed entries and calendar events of Challenges rows."""
    return View("challenges", title, challenge_entries(found, built), challenge_events(found))


def challenges_view(con: duckdb.DuckDBPyConnection, params: Mapping[str, str]) -> View:
    """The Challenges list as a link with these filters shows it."""
    options = queries.challenge_filter_options(con)
    choices = {kind: ["", *group["value"].astype(str)] for kind, group in options.groupby("kind")}
    closing = _one(params, "closing", ["", *CLOSING_DAYS], "")
    found = queries.challenges_list(
        con,
        q=params.get("q", ""),
        borough=_one(params, "borough", choices.get("borough", [""]), "") or None,
        theme=_one(params, "theme", choices.get("theme", [""]), "") or None,
        tech_category=_one(params, "category", choices.get("tech_category", [""]), "") or None,
        status=_one(params, "status", choices.get("status", [""]), "") or None,
        closing_within_days=int(closing) if closing else None,
        today=reference_date(queries.build_info(con).iloc[0]),
    )
    return challenge_alerts(found, title=title("challenges", params), built=built_at(con))


def view(con: duckdb.DuckDBPyConnection, link: str) -> View:
    """The view a dashboard link shows (see parse_link), ready for `atom` and `ics`."""
    page, params = parse_link(link)
    if params.get("q", "").strip() and not queries.search_query(con, params["q"]):
        raise LotiDemandError(
            f"the link's q={params['q']!r} holds no words to search for (small words such as 'the' are left out): "
            "search for a more specific word, or leave q out"
        )
    return (calendar_view if page == "calendar" else challenges_view)(con, params)


def title(page: str, params: Mapping[str, str]) -> str:
    """'loti-demand Challenges: q=AI, status=open': the page and the filters of its link."""
    shown = ", ".join(f"{k}={v}" for k, v in sorted(params.items()) if v)
    return f"loti-demand {PAGES[page]}" + (f": {shown}" if shown else "")


def built_at(con: duckdb.DuckDBPyConnection) -> dt.datetime:
    """When the warehouse was built (UTC): the feed's updated time and the calendar's stamp."""
    return built_at_value(queries.build_info(con).iloc[0]["built_at"])


def built_at_value(value: object) -> dt.datetime:
    """build_info.built_at as an aware datetime (now, if a warehouse has none)."""
    return _instant(value, dt.datetime.now(dt.UTC))
