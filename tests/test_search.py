"""The word search: whole words by stem, quoted phrases, synonyms and marked matches (loti_demand.search), the
build's index and the SQL test that reads it, the queries that use it, and the `search` command."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from loti_demand import periods, queries, search
from loti_demand.cli import cli
from loti_demand.exceptions import InputFileError

PROJECT = Path(__file__).resolve().parent.parent
SYNONYMS = search.Synonyms.from_terms(search.read_synonyms(PROJECT / "data" / "reference" / "search_synonyms.csv"))
AS_OF = dt.date(2026, 1, 1)


def matches(text: str, q: str, synonyms: search.Synonyms = SYNONYMS) -> bool:
    """The Python reading of a match: every clause of the search finds its words in the text."""
    found = search.parse(q, synonyms)

    def has(clause: search.Clause) -> bool:
        whole = search.Clause(clause.phrases)  # the clause's words, found (highlight marks no excluded words)
        return any(is_match for _, is_match in search.highlight(text, search.SearchQuery((whole,))))

    return bool(found) and all(has(c) is not c.excluded for c in found.clauses)


@pytest.mark.parametrize(
    ("text", "q", "expected"),
    [
        # whole words: the "AI" found "air quality" and "repairs"
        ("Measuring air quality around schools", "AI", False),
        ("Reporting repairs online", "AI", False),
        ("Answering questions with AI.", "AI", True),
        ("Answering questions with A.I. tools", "AI", False),  # "A.I." is two one-letter words
        ("Answering questions with ai", "AI", True),  # any case
        # stems: other forms of the word
        ("Low-cost air quality sensors", "sensor", True),
        ("Predicting damp", "prediction", True),
        ("The council's housing service", "councils", True),
        ("Housing services", "house", True),  # Snowball: housing -> hous, house -> hous
        ("Cloud hosting", "clouds hosted", True),
        # every word, in any order; stop words left out
        ("Spot damp and mould early", "mould damp", True),
        ("Spot damp and mould early", "damp the mould", True),
        ("Spot damp early", "damp mould", False),
        # quoted phrases: these words, in this order, next to each other
        ("Predicting damp and mould in council homes", '"council homes"', True),
        ("Homes owned by the council", '"council homes"', False),
        ("Homes owned by the council", "council homes", True),
        ("A new case management system", '"case management" system', True),
        ("Managing a case", '"case management"', False),
        # a hyphenated word is a phrase of its words
        ("e-learning for staff", "e-learning", True),
        ("learning for staff by e-mail", "e-learning", False),
        # synonyms, both ways, typed with or without quotes
        ("We want machine learning that flags claims", "AI", True),
        ("Artificial intelligence in social care", "AI", True),
        ("Use AI to answer residents", "artificial intelligence", True),
        ("Use AI to answer residents", '"machine learning"', True),
        ("Use AI to answer residents", "machine learning", True),
        ("Machine vision for potholes and learning", "machine learning", False),
        ("Ransomware: cyber security monitoring", "cybersecurity", True),
        ("Annual penetration testing", "cyber", True),
        ("Security guards for the depot", "cyber", False),  # plain "security" is not in the cyber group
        ("A CRM for the contact centre", "customer relationship management", True),
        ("Free Wi-Fi in libraries", "wifi", True),  # a joined spelling finds the hyphenated one (review)
        ("Free wifi in libraries", "Wi-Fi", True),
        ("Replies by e-mail", "email", True),
        # a word or phrase typed after a minus must not be found (with its synonyms); a hyphen inside a word is not one
        ("Air quality sensors in schools", "sensor -parking", True),
        ("Air quality sensors in car parks", "sensor -parking", False),  # by stem, as every word is found
        ("Sensors for parking bays", "sensor -parking", False),
        ("Sensors for parking bays", "-parking", False),
        ("Sensors for bays", "-parking", True),
        ("Use AI to answer residents", 'sensor -"machine learning"', False),
        ("Use sensors to answer residents", 'sensor -"machine learning"', True),
        ("Use sensors to answer residents", "-AI sensor", True),
        ("e-learning for staff", "e-learning -staff", False),
        # the minus touches what it leaves out, wherever the word has brackets, and before digits too (diff review)
        ("5G sensors for bins", "-5G sensor", False),
        ("Sensors for parking bays", "(-parking) sensor", False),
        ("Sensors for parking bays", "- parking sensor", True),  # a minus on its own leaves nothing out
        ("Sensors in the car park", '- "car park" sensor', True),
    ],
)
def test_search_finds_whole_words_stems_phrases_and_synonyms(text: str, q: str, expected: bool) -> None:
    assert matches(text, q) is expected


def test_the_search_says_what_it_looked_for() -> None:
    assert (
        search.parse("AI sensors", SYNONYMS).describe()
        == 'AI (or "artificial intelligence", "machine learning") and sensors'
    )
    assert search.parse('the "council homes" damp', SYNONYMS).describe() == '"council homes" and damp'
    assert not search.parse("the and of ''", SYNONYMS)
    assert len(search.parse(" ".join(f"w{n}" for n in range(30))).clauses) == search.MAX_CLAUSES
    assert search.parse('"unclosed phrase', SYNONYMS).describe() == '"unclosed phrase"'
    assert search.parse('sensor -parking -"machine learning"', SYNONYMS).describe() == (
        'sensor and not parking and not "machine learning" (or AI, "artificial intelligence")'
    )


def test_matches_are_marked_in_the_text() -> None:
    found = search.parse("AI sensors", SYNONYMS)
    text = "Air sensors for repairs; artificial intelligence reads each sensor. Then AI."
    assert (
        search.mark(text, found)
        == "Air «sensors» for repairs; «artificial intelligence» reads each «sensor». Then «AI»."
    )
    assert search.mark("Nothing here", found) == ""
    long = "word " * 100 + "the AI part " + "word " * 100
    extract = search.mark(long, found, width=60)
    assert "«AI»" in extract and extract.startswith("…") and extract.endswith("…") and len(extract) < 80


WORDS = [
    "ai",
    "air",
    "repairs",
    "sensor",
    "sensors",
    "machine",
    "learning",
    "council",
    "homes",
    "cyber",
    "security",
    "data",
    "the",
    "e-learning",
    "Damp",
    "MOULD",
]


@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
    st.lists(
        st.sampled_from([*WORDS, '"council homes"', '"machine learning"', "-sensor", "-data", '-"council homes"']),
        min_size=1,
        max_size=3,
    ),
)
def test_the_sql_match_agrees_with_the_marked_text(index_con, text_words: list[str], q_words: list[str]) -> None:
    """search_match (SQL, on the index) finds a text exactly when every clause has a marked match in it."""
    text, q = " ".join(text_words) + ".", " ".join(q_words)
    found = search.parse(q, SYNONYMS)
    in_sql = index_con.execute(
        "select search_match($stems, $clauses)", {"stems": search.index_text(text), "clauses": found.patterns()}
    ).fetchall()[0][0]
    assert in_sql is (matches(text, q) if found else True)


@pytest.fixture(scope="module")
def index_con(search_warehouse: Path):
    from loti_demand.warehouse.db import connect

    con = connect(search_warehouse, read_only=True)
    yield con
    con.close()


def test_a_phrase_never_runs_from_one_field_into_the_next() -> None:
    stems = search.index_text("Machine", "learning centre")
    assert search.pattern(("machin", "learn")) not in stems
    assert stems == " machin | learn centr "


def test_the_synonym_file_is_checked(tmp_path: Path) -> None:
    good = tmp_path / "search_synonyms.csv"
    good.write_text("terms,note\nAI; machine learning,\n,blank rows are skipped\n", encoding="utf-8")
    assert search.read_synonyms(good) == [("AI", "machine learning")]
    assert search.read_synonyms(tmp_path / "absent.csv") == []
    bad = tmp_path / "bad.csv"
    bad.write_text("terms,note\nAI; machine learning,\nCRM,one term only\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"bad\.csv: row 3, column terms: 'CRM' is not a group of synonyms"):
        search.read_synonyms(bad)


def test_the_index_holds_every_london_procurement_and_challenge(search_con) -> None:
    counts = dict(search_con.execute("select kind, count(*) from search_documents group by kind").fetchall())
    assert counts == {"notice": 6, "challenge": 6}
    text = search_con.execute("select text from search_documents where doc_id = 's-cyber'").fetchall()[0][0]
    assert text.endswith("| IT services: consulting, software development, Internet and support")  # the CPV label
    terms = search_con.execute("select term from search_synonyms where group_id = 1 order by position").fetchall()
    assert [t for (t,) in terms] == ["AI", "artificial intelligence", "machine learning"]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("AI", ["c-ai", "c-ml", "c-art"]),
        ("artificial intelligence", ["c-ai", "c-ml", "c-art"]),
        ('"machine learning"', ["c-ai", "c-ml", "c-art"]),
        ("air", ["c-air"]),
        ("repair", ["c-repairs"]),
        ("reported", ["c-repairs"]),  # reporting
        ('"council homes"', ["c-homes"]),
        ('"homes council"', []),
        ("housing", ["c-homes", "c-repairs"]),  # the theme is searched too
    ],
)
def test_challenges_are_found_by_word(search_con, q: str, expected: list[str]) -> None:
    assert queries.challenges_list(search_con, q=q, today=AS_OF)["challenge_id"].tolist() == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("AI", ["s-ai", "s-ml", "s-chat"]),  # s-chat: its supplier is Acme AI Ltd
        ("machine learning", ["s-ai", "s-ml", "s-chat"]),
        ("air", ["s-air"]),
        ("consulting", ["s-cyber"]),  # only in its CPV label
        ("Islington", ["s-repairs"]),  # the buyer
        ("cyber", ["s-cyber"]),  # penetration testing, by synonym
    ],
)
def test_notices_are_found_by_word_in_the_calendar_and_the_notice_search(search_con, q, expected) -> None:
    date_from, date_to = periods.months_from(AS_OF, 18)
    calendar = queries.demand_calendar(search_con, date_from=date_from, date_to=date_to, q=q)
    assert calendar["ocid"].tolist() == expected
    assert all("«" in m for m in calendar["search_match"])
    assert sorted(queries.notice_search(search_con, q=q)["ocid"]) == sorted(expected)


def test_a_search_with_no_words_filters_nothing(search_con) -> None:
    date_from, date_to = periods.months_from(AS_OF, 18)
    everything = queries.demand_calendar(search_con, date_from=date_from, date_to=date_to)
    assert queries.demand_calendar(search_con, date_from=date_from, date_to=date_to, q="the of").equals(everything)
    assert len(queries.challenges_list(search_con, q="", today=AS_OF)) == 6
    assert queries.notice_search(search_con, q="").empty


def test_on_the_sample_ai_no_longer_finds_air_quality_or_repairs(sample_con) -> None:
    """The issue's measurement: Challenges ?q=AI gave 'Measuring air quality' and 'Reporting repairs'."""
    assert queries.challenges_list(sample_con, q="AI").empty
    assert queries.challenges_list(sample_con, q="air quality")["title"].tolist() == [
        "Measuring air quality around schools"
    ]
    cyber = queries.challenges_list(sample_con, q="cyber")
    assert "Keeping housing systems safe from attack" in cyber["title"].tolist()
    assert all("«" in m for m in cyber["search_match"])
    security = queries.notice_search(sample_con, q='"email security"')
    assert set(security["title"]) == {"Email security gateway"}


def test_the_search_command_lists_matches(search_warehouse: Path) -> None:
    result = CliRunner().invoke(cli, ["search", "AI", "--warehouse", str(search_warehouse)])
    assert result.exit_code == 0, result.output
    assert 'Searched for AI (or "artificial intelligence", "machine learning"): 3 notices' in result.stderr
    assert "s-ml  Predicting rent arrears\n    Predicting rent arrears | «Machine learning» models" in result.stdout
    result = CliRunner().invoke(cli, ["search", '"council homes"', "--challenges", "-w", str(search_warehouse)])
    assert result.exit_code == 0 and result.stdout.startswith("c-homes  Warmer council homes\n")
    result = CliRunner().invoke(cli, ["search", "the", "-w", str(search_warehouse)])
    assert result.exit_code == 1 and "holds no words to search for" in result.stderr
