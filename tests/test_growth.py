"""What is growing (the Overview): tech categories year on year and the watched technology terms, on a warehouse
whose notices, challenges and spend straddle two years, each figure worked out again here from the marts; the
section on the sample; and the links from each term to the searches behind it."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from loti_demand import growth, periods, queries, search
from loti_demand.reference import Reference
from loti_demand.sources.challenges import CHALLENGE_FIELDS
from loti_demand.warehouse.build import build
from loti_demand.warehouse.db import connect
from tests.conftest import open_page

AS_OF = dt.date(2026, 3, 31)
BEFORE, LATEST = periods.growth_years(AS_OF)  # Apr 2024 to Mar 2025, Apr 2025 to Mar 2026


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first
    while month <= last:
        months.append(month)
        month = periods.add_months(month, 1)
    return months


def _spend(path: Path, months: list[dt.date], scale: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Payment Date", "Supplier Name", "Amount", "Expense Type"])
        for i, month in enumerate(months):
            out.writerow(
                [f"15/{month:%m/%Y}", "Acme Software Ltd", f"{scale * (1000 + 10 * i):.2f}", "Software licences"]
            )
            out.writerow(
                [f"16/{month:%m/%Y}", "Nimbus Hosting Ltd", f"{scale * (500 + 40 * i):.2f}", "Cloud hosting services"]
            )
            out.writerow([f"17/{month:%m/%Y}", "Bright Cleaning Ltd", "900.00", "Office cleaning"])


# (ocid, first notice date, title, description, buyer code and name, CPV)
NOTICES = [
    ("g-old-ai", "2023-05-01", "AI pilot for libraries", "An early trial.", "E09000007", "Camden", "48000000"),
    (
        "g-ai-1",
        "2024-06-01",
        "AI chatbot for housing enquiries",
        "Residents ask online.",
        "E09000007",
        "Camden",
        "48000000",
    ),
    (
        "g-cloud-1",
        "2024-09-01",
        "Cloud hosting renewal",
        "Hosting of the council's systems.",
        "E09000012",
        "Hackney",
        "72400000",
    ),
    (
        "g-ai-2",
        "2025-05-01",
        "AI triage for the contact centre",
        "Answering questions with AI.",
        "E09000007",
        "Camden",
        "48000000",
    ),
    (
        "g-ml",
        "2025-07-01",
        "Predicting rent arrears",
        "Machine learning models for income teams.",
        "E09000012",
        "Hackney",
        "72300000",
    ),
    (
        "g-twin-1",
        "2025-09-01",
        "Digital twin of the housing estate",
        "A 3D model of homes.",
        "E09000007",
        "Camden",
        "72300000",
    ),
    (
        "g-twin-2",
        "2026-02-01",
        "Digital twin pilot",
        "Modelling traffic on a digital twin.",
        "E09000012",
        "Hackney",
        "72300000",
    ),
    (
        "g-twin-no",
        "2026-03-10",
        "Twin beds for care homes",
        "Furniture with a digital display.",
        "E09000012",
        "Hackney",
        "39143110",
    ),
]
CHALLENGES = [
    ("g-c-ai", "Use AI to answer residents", "Residents wait too long.", "2024-07-01"),
    ("g-c-twin", "A digital twin of our estate", "Plan repairs before they are needed.", "2025-11-01"),
    ("g-c-art", "Artificial intelligence in social care", "Help social workers write up visits.", "2025-12-01"),
    ("g-c-undated", "Digital twin for drainage", "Flooding on estates.", ""),
]


def _release(ocid: str, day: str, title: str, description: str, code: str, name: str, cpv: str) -> dict:
    buyer = {"id": f"GB-LAC-{code}", "name": f"London Borough of {name}"}
    return {
        "ocid": ocid,
        "id": f"{ocid}-1",
        "date": f"{day}T10:00:00Z",
        "tag": ["tender"],
        "initiationType": "tender",
        "buyer": buyer,
        "parties": [{**buyer, "roles": ["buyer"], "address": {"region": "UKI"}}],
        "tender": {
            "id": "t",
            "title": title,
            "description": description,
            "status": "active",
            "classification": {"scheme": "CPV", "id": cpv, "description": "Services"},
            "value": {"amount": 100000, "currency": "GBP"},
            "tenderPeriod": {"startDate": f"{day}T00:00:00Z", "endDate": f"{day}T12:00:00Z"},
            "documents": [
                {
                    "id": "1",
                    "documentType": "tenderNotice",
                    "noticeType": "UK4",
                    "url": f"https://example.org/notice/{ocid}",
                }
            ],
        },
    }


@pytest.fixture(scope="module")
def growth_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Camden's spend every month of both years but June 2024; Hackney's only from October 2025 (so no month of it
    compares like for like); notices and challenges in both years, one notice before them and one challenge with
    no opening date."""
    root = tmp_path_factory.mktemp("growth") / "data"
    both = [m for m in _months(BEFORE.start, LATEST.end) if m != dt.date(2024, 6, 1)]
    _spend(root / "spend" / "camden" / "spend.csv", both, 1)
    _spend(root / "spend" / "hackney" / "spend.csv", _months(dt.date(2025, 10, 1), LATEST.end), 3)
    (root / "procurement").mkdir(parents=True)
    package = {
        "uri": "https://example.org/growth",
        "publishedDate": "2026-03-10T12:00:00Z",
        "version": "1.1",
        "publisher": {"name": "Fixture"},
        "releases": [_release(*n) for n in NOTICES],
    }
    (root / "procurement" / "growth.json").write_text(json.dumps(package), encoding="utf-8")
    (root / "challenges").mkdir()
    with (root / "challenges" / "growth.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(CHALLENGE_FIELDS)
        for cid, title, statement, opens in CHALLENGES:
            out.writerow([cid, title, statement, "Camden", "Housing", "open", opens, "", "", "", "", "", ""])
    path = root.parent / "warehouse.duckdb"
    build(root, path)
    return path


@pytest.fixture
def growth_con(growth_warehouse: Path):
    con = connect(growth_warehouse, read_only=True)
    yield con
    con.close()


def _within(days: pd.Series, period: periods.Period) -> pd.Series:
    days = pd.to_datetime(days)
    return (days >= pd.Timestamp(period.start)) & (days <= pd.Timestamp(period.end))


def expected_categories(con) -> pd.DataFrame:
    """category_growth worked out in pandas from the marts."""
    spend = con.execute("select publisher_code, payment_month, tech_category, amount_gbp from spend").df()
    spend["payment_month"] = pd.to_datetime(spend["payment_month"])
    covered = set(zip(spend["publisher_code"], spend["payment_month"], strict=True))
    paired = [
        (p, m + pd.DateOffset(months=12 if m <= pd.Timestamp(BEFORE.end) else -12)) in covered
        for p, m in zip(spend["publisher_code"], spend["payment_month"], strict=True)
    ]
    tech = spend[pd.Series(paired, index=spend.index) & spend["tech_category"].notna()]
    before = tech[_within(tech["payment_month"], BEFORE)].groupby("tech_category")["amount_gbp"].sum()
    latest = tech[_within(tech["payment_month"], LATEST)].groupby("tech_category")["amount_gbp"].sum()
    notices = con.execute(
        "select tech_category, first_release_date from procurements where is_london and tech_category is not null"
    ).df()
    opened = con.execute("select tech_category, opens_on from challenges where tech_category is not null").df()
    out = con.execute("select tech_category, label from ref_tech_categories").df().set_index("tech_category")
    out["spend_before_gbp"] = before.astype(float)
    out["spend_latest_gbp"] = latest.astype(float)
    for name, frame, column in (("procurements", notices, "first_release_date"), ("challenges", opened, "opens_on")):
        for key, period in (("before", BEFORE), ("latest", LATEST)):
            out[f"{name}_{key}"] = frame[_within(frame[column], period)].groupby("tech_category").size()
    return out.fillna(0)


def test_categories_year_on_year_like_for_like(growth_con) -> None:
    found = queries.category_growth(growth_con, spend_end=AS_OF, end=AS_OF).set_index("tech_category")
    want = expected_categories(growth_con)
    columns = [c for c in want.columns if c != "label"]
    pd.testing.assert_frame_equal(
        found.loc[want.index, columns].astype(float), want[columns].astype(float), check_names=False
    )
    assert found["spend_latest_gbp"].sum() > 0 and found["procurements_latest"].sum() > 0
    row = found.iloc[0]
    # Hackney's months have no partner a year before; Camden's June 2025 has none either (June 2024 is missing)
    assert (row["publishers_compared"], row["publishers_with_spend"], row["months_compared"]) == (1, 2, 11)
    assert pd.Timestamp(row["first_notice_date"]).date() == dt.date(2023, 5, 1)
    software = found.loc["software"]
    assert software["spend_change_pct"] == pytest.approx(
        100 * (software["spend_latest_gbp"] - software["spend_before_gbp"]) / software["spend_before_gbp"]
    )


def test_ranking_puts_new_categories_first_then_the_fastest_growing() -> None:
    df = pd.DataFrame(
        {
            "tech_category_label": ["Falls", "New", "Grows", "Nothing", "Steady"],
            "procurements_before": [4, 0, 2, 0, 3],
            "procurements_latest": [1, 5, 6, 0, 3],
        }
    )
    df["procurements_change_pct"] = [-75.0, None, 200.0, None, 0.0]
    assert growth.ranked(df, "procurements")["tech_category_label"].tolist() == [
        "New",
        "Grows",
        "Steady",
        "Falls",
        "Nothing",
    ]


def _mentions(con, term: str, years: tuple[periods.Period, periods.Period] = (BEFORE, LATEST)) -> dict[str, int]:
    """How many notices and challenges in each year (the year before, the latest) a term's search finds, matched
    here in Python on the text."""
    found = queries.search_query(con, growth.search_text(term))
    docs = con.execute(
        "select s.kind, s.text, coalesce(cast(p.first_release_date as date), c.opens_on) as dated "
        "from search_documents s left join procurements p on s.kind = 'notice' and s.doc_id = p.ocid "
        "left join challenges c on s.kind = 'challenge' and s.doc_id = c.challenge_id"
    ).df()
    hit = docs[[any(match for _, match in search.highlight(t, found)) for t in docs["text"]]]
    return {
        f"{'notices' if kind == 'notice' else 'statements'}_{key}": int(
            (_within(hit.loc[hit["kind"] == kind, "dated"], period)).sum()
        )
        for kind in ("notice", "challenge")
        for key, period in zip(("before", "latest"), years, strict=True)
    }


def test_terms_counted_as_the_word_search_finds_them(growth_con) -> None:
    terms = queries.term_growth(growth_con, end=AS_OF).set_index("term")
    # AI finds machine learning and artificial intelligence too (the synonyms); 'twin beds' is not a digital twin
    assert terms.loc["AI", ["notices_before", "notices_latest", "statements_before", "statements_latest"]].tolist() == [
        1,
        2,
        1,
        1,
    ]
    assert terms.loc[
        "digital twin", ["notices_before", "notices_latest", "statements_before", "statements_latest"]
    ].tolist() == [0, 2, 0, 1]
    assert terms.loc["digital twin", "search_text"] == '"digital twin"'
    for term in terms.index:
        assert terms.loc[term, list(_mentions(growth_con, term))].to_dict() == _mentions(growth_con, term), term
    # newly frequent: at least 2 mentions in the latest year and at least twice the year before
    assert bool(terms.loc["digital twin", "is_newly_frequent"]) and not bool(terms.loc["AI", "is_newly_frequent"])
    assert terms.index[0] == "digital twin", "the newly frequent come first"


def test_any_two_years_are_counted_as_the_word_search_finds_them(growth_con) -> None:
    """What is growing sums the counts the build stored per kind and date (agg_term_documents): for any two years
    they are what a search of every document finds, and a term found in neither year is left out."""
    terms = [row["term"] for row in Reference().table("technology_terms")]
    found = 0
    for end in [dt.date(2024, 3, 31), dt.date(2025, 1, 31), dt.date(2025, 9, 30), AS_OF, dt.date(2026, 12, 31)]:
        counted = queries.term_growth(growth_con, end=end).set_index("term")
        for term in terms:
            mentions = _mentions(growth_con, term, periods.growth_years(end))
            if any(mentions.values()):
                assert counted.loc[term, list(mentions)].to_dict() == mentions, (end, term)
            else:
                assert term not in counted.index, (end, term)
            found += sum(mentions.values())
    assert found > 0
    # every term is stored once, in the file's order, even those no document holds
    listed = growth_con.execute("select term from agg_term_documents where kind is null order by term_order").df()
    assert listed["term"].tolist() == terms


def test_the_overview_ranks_defines_and_links_to_the_searches_behind_each_term(
    growth_warehouse, growth_con, monkeypatch
) -> None:
    at = open_page(growth_warehouse, monkeypatch, "pages/overview.py")
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "What is growing" in [h.value for h in at.header]
    assert "**Which years.** Tech spend compares the latest 12 months of spend data (Apr 2025 to Mar 2026)" in text
    assert "Tech spend compares 1 borough or body (of the 2 with spend data in either year) on the 11 months" in text
    table = next(d.value for d in at.dataframe if "procurements_latest" in d.value.columns)
    want = growth.ranked(queries.category_growth(growth_con, spend_end=AS_OF, end=AS_OF), "spend")
    assert table["tech_category_label"].tolist() == want["tech_category_label"].tolist()
    at.selectbox(key="growth").set_value("procurements").run()
    assert at.query_params["growth"] == "procurements"  # the ranking is kept in the link
    chart = next(
        spec
        for spec in (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
        if "New tech procurements by tech category" in spec["layout"]["title"]["text"].replace("<br>", " ")
    )
    ranked = growth.ranked(queries.category_growth(growth_con, spend_end=AS_OF, end=AS_OF), "procurements")
    drawn = [label.split("<br>")[-1] for label in reversed(chart["data"][1]["y"])]
    assert drawn[0] == "new" or drawn[0].startswith("up")
    assert len(drawn) == len(ranked)
    said = " ".join(m.value for m in at.markdown)
    assert "Growing fastest in new tech procurements:" in said
    assert (
        "Newly frequent in notices and challenge statements (mentions in the latest year): digital twin (3, "
        "none the year before)" in said
    )
    links = {link.proto.label: (link.proto.page, link.proto.query_string) for link in at.get("page_link")}
    assert links["digital twin: 2 notices in the latest year (0 the year before)"] == (
        "calendar",
        "q=%22digital+twin%22",
    )
    assert links["digital twin: 1 challenge in the latest year (0 the year before)"] == (
        "challenges",
        "q=%22digital+twin%22",
    )
    assert links["AI: 2 notices in the latest year (1 the year before)"] == ("calendar", "q=AI")


def test_a_term_link_opens_the_notices_behind_it(growth_warehouse, monkeypatch) -> None:
    at = open_page(growth_warehouse, monkeypatch, "pages/calendar.py", q='"digital twin"')
    notices = next(d.value for d in at.dataframe if "last_notice_date" in d.value.columns)
    assert sorted(notices["title"]) == ["Digital twin of the housing estate", "Digital twin pilot"]


def test_what_is_growing_on_the_sample(sample_warehouse, sample_con, monkeypatch) -> None:
    """The sample's notices and challenges start after the year before begins: the page says so. Each chart has its
    sentence, and the terms table holds every watched term found, the links the first growth.TERMS_SHOWN."""
    at = open_page(sample_warehouse, monkeypatch, "pages/overview.py")
    said = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "Growing fastest in tech spend:" in said and "Newly frequent in notices and challenge statements" in said
    assert "The notices in the warehouse start in January 2025, after the year before began" in said
    assert len([c for c in at.get("plotly_chart") if "year on year" in c.proto.spec]) == 2
    terms = queries.term_growth(sample_con, end=queries.as_of(sample_con))
    shown = next(d.value for d in at.dataframe if "is_newly_frequent" in d.value.columns)
    assert shown["term"].tolist() == terms["term"].tolist() and len(terms) > growth.TERMS_SHOWN
    calendar_links = [link for link in at.get("page_link") if link.proto.page == "calendar"]
    assert len(calendar_links) == int(
        (terms.head(growth.TERMS_SHOWN)[["notices_before", "notices_latest"]].sum(axis=1) > 0).sum()
    )
