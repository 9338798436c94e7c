"""Alerts without accounts: the Atom feed and the iCalendar file of a filtered Demand calendar or Challenges view,
from the CLI (`export feed`, `export ics`) and from the pages' buttons (AppTest), with Copy link."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import feedparser
import icalendar
import pandas as pd
import pytest
from click.testing import CliRunner
from lxml import etree

from loti_demand import alerts, periods, queries
from loti_demand.cli import cli
from loti_demand.exceptions import LotiDemandError
from tests.conftest import open_page

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"


def valid_atom(data: bytes) -> feedparser.FeedParserDict:
    """Parse a feed as a feed reader does, and check what RFC 4287 requires of it: the feed and every entry have
    exactly one id (an IRI), title and updated (an RFC 3339 date-time); a feed without an author has one per entry."""
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = etree.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    for element in (root, *root.findall(f"{ATOM}entry")):
        for child in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{child}")) == 1, (element.tag, child)
        assert element.findtext(f"{ATOM}id").startswith("urn:uuid:")
        assert pd.Series([element.findtext(f"{ATOM}updated")]).str.match(RFC3339).all()
    assert root.find(f"{ATOM}author/{ATOM}name").text == "loti-demand"
    return parsed


def events_of(data: bytes) -> list[icalendar.Event]:
    """Parse a calendar file with icalendar and check each event has a unique uid, a date and a summary."""
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["version"] == "2.0" and calendar["prodid"]
    events = list(calendar.walk("VEVENT"))
    assert len({str(e["uid"]) for e in events}) == len(events)
    for event in events:
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert isinstance(start, dt.date) and not isinstance(start, dt.datetime)
        assert end == start + dt.timedelta(days=1) and str(event["summary"])
    return events


def run_cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_feed_of_a_calendar_link_is_valid_atom_with_one_entry_per_procurement(search_warehouse: Path) -> None:
    data = run_cli(
        "export",
        "feed",
        "-w",
        str(search_warehouse),
        "--out",
        "-",
        "--link",
        "https://dash.example/calendar?q=AI&evidence=statutory",
    )
    feed = valid_atom(data.encode())
    assert feed.feed.title == "loti-demand Demand calendar: evidence=statutory, q=AI"
    assert feed.feed.link == "https://dash.example/calendar?q=AI&evidence=statutory"
    assert [e.title for e in feed.entries] == [
        "AI triage for the contact centre (Camden)",
        "Predicting rent arrears (Hackney)",
    ]
    first = feed.entries[0]
    assert first.link == "https://example.org/notice/s-ai"
    assert "Expected: 20 February 2026 (tender deadline)" in first.content[0].value
    assert first.updated.startswith("2026-01-01T10:00:00")  # its notice's publication


def test_the_same_link_gives_the_same_ids_and_another_filter_another_feed(search_warehouse: Path) -> None:
    def ids(link: str) -> tuple[str, list[str]]:
        root = etree.fromstring(
            run_cli("export", "feed", "-w", str(search_warehouse), "--out", "-", "--link", link).encode()
        )
        return root.findtext(f"{ATOM}id"), [e.findtext(f"{ATOM}id") for e in root.findall(f"{ATOM}entry")]

    feed_id, entry_ids = ids("calendar?q=AI")
    assert ids("https://elsewhere.example/calendar?q=AI") == (feed_id, entry_ids)
    other_id, other_entries = ids("calendar?q=machine+learning")
    assert other_id != feed_id and other_entries == entry_ids  # same procurements, by synonym


def test_the_calendar_file_has_expected_dates_and_deadlines(search_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "ai.ics"
    run_cli("export", "ics", "-w", str(search_warehouse), "--link", "calendar?q=AI", "--out", str(out))
    events = {str(e["summary"]): e.decoded("dtstart") for e in events_of(out.read_bytes())}
    assert events == {
        "Expected (tender deadline): AI triage for the contact centre (Camden)": dt.date(2026, 2, 20),
        "Expected (tender deadline): Predicting rent arrears (Hackney)": dt.date(2026, 3, 10),
        # an inferred re-procurement: its expected date only (its old tender deadline is not one to meet)
        "Re-procurement expected: Resident chat service (Camden)": dt.date(2026, 6, 30),
    }


def test_a_planning_notice_has_its_market_date_and_its_deadline() -> None:
    items = pd.DataFrame(
        [
            {
                "ocid": "p-1",
                "expected_date": pd.Timestamp("2026-03-01"),
                "date_basis": "expected market date",
                "title": "Housing system",
                "area_name": "Camden",
                "buyer_name": "Camden",
                "tech_category_label": "Software",
                "value_gbp": 1e6,
                "confidence": alerts.STATUTORY,
                "notice_type": "UK3 planned",
                "contract_end": pd.NaT,
                "incumbent_suppliers": None,
                "sme_suitability": "Yes",
                "notice_url": "javascript:alert(1)",
                "tender_end": pd.Timestamp("2026-04-15"),
                "last_release_date": pd.NaT,
                "calendar_month": pd.Timestamp("2026-03-01"),
                "is_due_now": False,
            }
        ]
    )
    events = alerts.calendar_events(items)
    assert [(e.day, e.summary) for e in events] == [
        (dt.date(2026, 3, 1), "Expected (expected market date): Housing system (Camden)"),
        (dt.date(2026, 4, 15), "Deadline for bids: Housing system (Camden)"),
    ]
    assert all(e.link is None for e in events)  # only http(s) links are kept
    data = alerts.ics(events, name="x", stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert len(events_of(data)) == 2


def test_challenge_feed_and_calendar(search_warehouse: Path) -> None:
    feed = valid_atom(
        run_cli("export", "feed", "-w", str(search_warehouse), "--link", "challenges?q=AI", "--out", "-").encode()
    )
    assert [e.title for e in feed.entries] == [
        "Use AI to answer residents (Camden)",
        "Spotting fraud early (Hackney)",
        "Artificial intelligence in social care (Sutton)",
    ]
    assert feed.entries[0].link == "https://challenges.example.org/c-ai"
    events = events_of(
        run_cli("export", "ics", "-w", str(search_warehouse), "--link", "challenges?q=AI", "--out", "-").encode()
    )
    assert [(str(e["summary"]), e.decoded("dtstart")) for e in events] == [
        ("Challenge closes: Use AI to answer residents (Camden)", dt.date(2026, 2, 28)),
        ("Challenge closes: Spotting fraud early (Hackney)", dt.date(2026, 3, 31)),
    ]  # c-art has no closing date


def test_an_empty_view_is_still_a_valid_feed_to_follow(search_warehouse: Path) -> None:
    feed = valid_atom(
        run_cli(
            "export", "feed", "-w", str(search_warehouse), "--link", "challenges?q=blockchain", "--out", "-"
        ).encode()
    )
    assert feed.entries == []
    assert (
        events_of(
            run_cli(
                "export", "ics", "-w", str(search_warehouse), "--link", "challenges?q=blockchain", "--out", "-"
            ).encode()
        )
        == []
    )


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ("https://dash.example/borough_map?borough=E09000007", "is not a link to a page with alerts"),
        ("calendar?sme=maybe", "the link's sme='maybe' is not one of the choices: any, yes, no, unknown"),
        ("calendar?months=99", "the link's months='99' is not one of the choices"),
        ("calendar?borough=Gotham", "the link's borough has 'Gotham', not among the choices"),
        ("challenges?status=pending", "the link's status='pending' is not one of the choices"),
        # found by a review: a search of small words only was dropped, and the feed held everything
        ("calendar?q=the", "the link's q='the' holds no words to search for"),
        ("challenges?q=of+and", "the link's q='of and' holds no words to search for"),
    ],
)
def test_a_link_the_pages_would_not_show_is_an_error_naming_the_filter(search_warehouse, link, message) -> None:
    result = CliRunner().invoke(cli, ["export", "feed", "-w", str(search_warehouse), "--link", link, "--out", "-"])
    assert result.exit_code == 1 and message in result.stderr and "Traceback" not in result.output


def test_a_link_is_read_with_or_without_its_address() -> None:
    assert alerts.parse_link("https://dash.example/app/calendar/?q=AI&sme=yes") == (
        "calendar",
        {"q": "AI", "sme": "yes"},
    )
    assert alerts.parse_link("challenges?status=open&q=") == ("challenges", {"status": "open"})
    with pytest.raises(LotiDemandError, match="copy the link of the Demand calendar or Challenges page"):
        alerts.parse_link("https://dash.example/")


# --- The pages' buttons (AppTest) ---------------------------------------------------------------------------------


def test_the_calendar_page_searches_and_offers_the_view_as_feed_and_calendar(
    search_warehouse, monkeypatch, downloads
) -> None:
    at = open_page(search_warehouse, monkeypatch, "pages/calendar.py", q="AI")
    table = at.dataframe[0].value
    assert table["ocid"].tolist() == ["s-ai", "s-ml", "s-chat"]
    assert table["search_match"].tolist()[1].startswith("Predicting rent arrears | «Machine learning» models")
    assert any(
        'Searching for AI (or "artificial intelligence", "machine learning")' in c.value.replace("\\", "")
        for c in at.caption
    )
    assert at.query_params["q"] == "AI"
    feed = valid_atom(downloads["calendar.atom"])
    assert [e.link for e in feed.entries] == [f"https://example.org/notice/{o}" for o in ("s-ai", "s-ml", "s-chat")]
    assert len(events_of(downloads["calendar.ics"])) == 3
    assert at.header[-1].value == "Every London notice with these words"
    assert sorted(at.dataframe[1].value["ocid"]) == ["s-ai", "s-chat", "s-ml"]
    copy = [h for h in at.get("html") if "Copy link" in h.proto.body]
    assert len(copy) == 1 and "q=AI" in copy[0].proto.body


def test_the_challenges_page_marks_the_words_and_its_feed_matches_the_list(
    search_warehouse, monkeypatch, downloads
) -> None:
    at = open_page(search_warehouse, monkeypatch, "pages/challenges.py", q="machine learning", challenge="c-ml")
    assert at.dataframe[0].value["challenge_id"].tolist() == ["c-ai", "c-ml", "c-art"]
    statement = next(m.value for m in at.markdown if "flags unusual claims" in m.value)
    assert "**:orange-background[machine learning]**" in statement
    feed = valid_atom(downloads["challenges.atom"])
    assert [e.link.rsplit("/", 1)[-1] for e in feed.entries] == ["c-ai", "c-ml", "c-art"]
    (name,) = [n for n in downloads if n.startswith("challenges_") and n.endswith(".csv")]
    assert name.startswith("challenges_search-machine-learning_as_of_")  # the file says what it holds
    csv = pd.read_csv(io.BytesIO(downloads[name]), encoding="utf-8-sig")
    assert csv.columns[2] == "Search match" and csv["Search match"].str.contains("«").all()
    at.text_input(key="q").input("").run()  # no search: no Search match column
    assert "search_match" not in at.dataframe[0].value.columns and len(at.dataframe[0].value) == 6


@pytest.mark.parametrize("code", ["%1b", "%00", "%0c"])
def test_a_feed_of_a_link_holding_a_control_character_is_written_without_it(sample_warehouse, tmp_path, code) -> None:
    """Before, `export feed --link 'calendar?q=%1b'` ended in exit 70: "All strings must be XML compatible"."""
    from loti_demand.cli import cli

    out = tmp_path / "f.atom"
    link = f"calendar?q=a{code}b"
    args = ["export", "feed", "--warehouse", str(sample_warehouse), "--link", link, "--out", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert not feedparser.parse(out.read_bytes()).bozo


def test_a_calendar_feed_can_follow_one_london_wide_body(sample_warehouse: Path) -> None:
    """A link choosing the GLA by name (the Demand calendar's filter now offers each London-wide body) gives a feed
    of the GLA's procurements only; before, 'GLA' was not one of the link's choices."""
    from loti_demand.warehouse.db import connect

    data = run_cli("export", "feed", "-w", str(sample_warehouse), "--link", "calendar?borough=GLA", "--out", "-")
    con = connect(sample_warehouse, read_only=True)
    as_of = queries.as_of(con)
    date_from, date_to = periods.months_from(as_of, 18)
    want = queries.demand_calendar(con, date_from=date_from, date_to=date_to, areas=("GLA",))
    con.close()
    assert len(want) > 0 and set(want["area_name"]) == {"Greater London Authority"}
    assert data.count("<entry>") == len(want)


def test_an_item_already_due_is_on_the_day_the_page_counts_it_and_says_so(sample_con) -> None:
    """A contract whose re-procurement date came before the window is on its first day in the calendar file, not in
    the past (Wandsworth's library system was on 10 March 2025 while the page showed it in March 2026); a tender
    whose deadline passed earlier in the as-of month keeps its day; both say they are already due, in the feed too."""
    shown = alerts.view(sample_con, "calendar?borough=E09000032,E09000003")
    events = {e.summary: e for e in shown.events}
    library = events["Re-procurement already due (expected 19 April 2025): Library management system (Wandsworth)"]
    assert library.day == dt.date(2026, 3, 1)
    assert "Expected: already due (expected 19 April 2025, contract start" in library.description
    deadlines = [e for e in shown.events if e.summary.startswith("Deadline for bids passed: ")]
    assert deadlines and all(dt.date(2026, 3, 1) <= e.day < dt.date(2026, 3, 31) for e in deadlines)
    assert all(e.day >= dt.date(2026, 3, 1) for e in shown.events)
    summaries = {e.title: e.summary for e in shown.entries}
    assert "Expected: already due (expected 19 April 2025" in summaries["Library management system (Wandsworth)"]
    assert any("the deadline for bids has passed" in s for s in summaries.values())
