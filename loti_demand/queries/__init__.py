"""The query API the pages, the CLI and the benchmark call: one function per .sql file in this folder.

Every value is a bound parameter. Each query is registered with example parameters so the benchmark can
time exactly the queries the pages run (`QUERIES`).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from loti_demand import periods, search
from loti_demand.queries import export_summary
from loti_demand.queries.core import (  # noqa: F401  (the registry and runners are part of this API)
    QUERIES,
    QUERIES_DIR,
    Example,
    Query,
    arrow_frame,
    query,
    run,
    run_long,
    sql,
)


def as_of(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The date the data runs to: figures for 'the last 12 months' end here."""
    rows = con.execute("select data_as_of from build_info").fetchall()
    return rows[0][0] if rows and rows[0][0] else dt.date.today()


def _as_of_example(con: duckdb.DuckDBPyConnection) -> dict:
    return {"as_of": as_of(con)}


@query()
def build_info(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "build_info")


PIPELINE_MONTHS = 18  # the Overview's pipeline: the default forward period of every page (periods.forward_periods)


@query(_as_of_example)
def headline(con: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    """Tech spend in the 12 months to as_of; the pipeline of the PIPELINE_MONTHS months from as_of's month."""
    pipeline_from, pipeline_to = periods.months_from(as_of, PIPELINE_MONTHS)
    return run(con, "headline", as_of=as_of, pipeline_from=pipeline_from, pipeline_to=pipeline_to)


@query(_as_of_example)
def tech_spend_by_category(con: duckdb.DuckDBPyConnection, *, as_of: dt.date) -> pd.DataFrame:
    return run(con, "tech_spend_by_category", as_of=as_of)


# --- Word search (loti_demand.search) ---------------------------------------------------------------------

@query()
def search_synonyms(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "search_synonyms")


def parse_search(synonyms: pd.DataFrame, q: str | None) -> search.SearchQuery:
    """A search box's text as a SearchQuery, with the synonyms of search_synonyms (the warehouse's)."""
    groups = [tuple((term, tuple(p.split())) for term, p in zip(g["term"], g["pattern"], strict=True))
              for _, g in synonyms.groupby("group_id", sort=True)]
    return search.parse(q, search.Synonyms(tuple(groups)))


def search_query(con: duckdb.DuckDBPyConnection, q: str | None) -> search.SearchQuery:
    return parse_search(search_synonyms(con), q)


def _with_search_match(df: pd.DataFrame, found: search.SearchQuery) -> pd.DataFrame:
    """Replace search_text by search_match: an extract with the words found between « and » ('' with no search)."""
    marks = [search.mark(text, found) if found else "" for text in df.pop("search_text")]
    return df.assign(search_match=marks)  # text, as DuckDB would give it (no rows: objects)


@query(lambda con: {"q": "software", "limit": 100})
def notice_search(con: duckdb.DuckDBPyConnection, *, q: str, limit: int = 100) -> pd.DataFrame:
    """London procurement notices a word search finds (title, description, buyer, suppliers, CPV label), latest
    first, past or upcoming, tech or not: at most `limit` rows. No words, no rows."""
    found = search_query(con, q)
    return _with_search_match(run(con, "notice_search", clauses=found.patterns(), limit=int(limit)), found)


# --- Challenges -----------------------------------------------------------------------------------------

def _challenges_example(con: duckdb.DuckDBPyConnection) -> dict:
    return {"q": "data", "borough": "E09000007", "status": "open", "closing_within_days": 90, "today": as_of(con)}


@query(_challenges_example)
def challenges_list(
    con: duckdb.DuckDBPyConnection,
    *,
    q: str | None = None,
    borough: str | None = None,
    theme: str | None = None,
    tech_category: str | None = None,
    status: str | None = None,
    closing_within_days: int | None = None,
    today: dt.date | None = None,
) -> pd.DataFrame:
    """Challenges matching a word search (loti_demand.search, over title, statement and theme) and filters,
    soonest closing first; search_match marks where the words are. closing_within_days counts from `today`
    (default: the real date)."""
    found = search_query(con, q)
    df = run(con, "challenges_list", clauses=found.patterns(), borough=borough, theme=theme,
             tech_category=tech_category, status=status, closing_within_days=closing_within_days,
             today=today or dt.date.today())
    return _with_search_match(df, found)


CHALLENGE_FACETS = ("borough", "theme", "tech_category", "status")


@query(_challenges_example)
def challenge_filter_options(con: duckdb.DuckDBPyConnection, **chosen: object) -> pd.DataFrame:
    """Each filter's choices with the number of challenges the list shows once it is chosen: counted among the
    challenges that challenges_list finds for the same search and filters (`chosen`) but that one left out."""
    ids = {f"{facet}_ids": challenges_list(con, **{**chosen, facet: None})["challenge_id"].tolist()
           for facet in CHALLENGE_FACETS}
    return run(con, "challenge_filter_options", **ids)


def _one_challenge(con: duckdb.DuckDBPyConnection) -> dict:
    rows = con.execute("select min(challenge_id) from challenges").fetchall()
    return {"challenge_id": rows[0][0] if rows else ""}


@query(_one_challenge)
def challenge_detail(con: duckdb.DuckDBPyConnection, *, challenge_id: str) -> pd.DataFrame:
    return run(con, "challenge_detail", challenge_id=challenge_id)


@query(_one_challenge)
def challenge_outcomes_for(con: duckdb.DuckDBPyConnection, *, challenge_id: str) -> pd.DataFrame:
    return run(con, "challenge_outcomes_for", challenge_id=challenge_id)


@query()
def fetch_log(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every API fetch, newest first."""
    return run(con, "fetch_log")
# --- Demand calendar, collaboration finder, data and coverage, exports ---------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    next_month = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month + 1, min(day.day, last_day))


def months_ahead(as_of: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The calendar's window: `months` whole months from the data-as-of month (periods.months_from, the window
    every page counts the pipeline in)."""
    return periods.months_from(as_of, months)


def month_starts(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """The first day of every month from date_from's month to date_to's month."""
    months, month = [], date_from.replace(day=1)
    while month <= date_to:
        months.append(month)
        month = add_months(month, 1)
    return months


def months_back(end: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """(the first day of the month `months - 1` before end's month, end): a period of whole months to end."""
    return add_months(end.replace(day=1), 1 - months), end


def _calendar_example(con: duckdb.DuckDBPyConnection) -> dict:
    date_from, date_to = months_ahead(as_of(con), 18)
    return {"date_from": date_from, "date_to": date_to}


def _with_label(df: pd.DataFrame) -> pd.DataFrame:
    from loti_demand.metrics import VALUE_BAND_LABELS

    if "value_band" in df:
        df.insert(df.columns.get_loc("value_band") + 1, "value_band_label", df["value_band"].map(VALUE_BAND_LABELS))
    return df


@query(_calendar_example)
def demand_calendar(con: duckdb.DuckDBPyConnection, *, date_from: dt.date, date_to: dt.date,
                    categories: tuple[str, ...] = (), areas: tuple[str, ...] = (),
                    value_bands: tuple[str, ...] = (), sme: str = "any", confidence: str = "any",
                    q: str = "") -> pd.DataFrame:
    """Upcoming London tech procurements and expected re-procurements in the window, one row per procurement.

    Empty tuples and 'any' mean no filter; areas hold GSS codes and 'london_wide'; sme is any, yes, no or unknown;
    confidence is any or one of metrics.STATUTORY / metrics.INFERRED. q is a word search (loti_demand.search)
    over the notices' title, description, buyer, suppliers and CPV label; with it, search_match marks the words.
    """
    df = _with_label(run_long(con, "demand_calendar", date_from=date_from, date_to=date_to,
                              categories=list(categories), areas=list(areas), value_bands=list(value_bands),
                              sme=sme, confidence=confidence))
    return _searched(con, df, "notice", "ocid", q) if q else df


def _searched(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, kind: str, key: str, q: str) -> pd.DataFrame:
    """The rows of df whose document (search_documents of `kind`, by df[key]) the word search q finds, with
    search_match; df as it is when q holds no words to search."""
    found = search_query(con, q)
    if not found:
        return df
    hits = run(con, "search_matches", kind=kind, clauses=found.patterns())
    text = dict(zip(hits["doc_id"], hits["search_text"], strict=True))
    kept = df[df[key].isin(text)].reset_index(drop=True)
    return _with_search_match(kept.assign(search_text=kept[key].map(text)), found)


def _some_ocids(con: duckdb.DuckDBPyConnection) -> dict:
    rows = con.execute("select ocid from demand_items order by ocid limit 50").fetchall()
    return {"ocids": tuple(ocid for (ocid,) in rows)}


@query(_some_ocids)
def procurement_dates(con: duckdb.DuckDBPyConnection, *, ocids: tuple[str, ...]) -> pd.DataFrame:
    """Each procurement's bid deadline (tender_end) and latest notice (last_release_date), by ocid."""
    return run(con, "procurement_dates", ocids=list(ocids))


@query()
def demand_undated(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "demand_undated")


@query(lambda con: {**_calendar_example(con), "window_months": 6})
def collaboration_groups(con: duckdb.DuckDBPyConnection, *, date_from: dt.date, date_to: dt.date,
                         window_months: int, categories: tuple[str, ...] = (), area: str = "") -> pd.DataFrame:
    """Boroughs buying the same tech category within `window_months` of each other: one row per candidate group."""
    return run(con, "collaboration_groups", date_from=date_from, date_to=date_to, window_months=window_months,
               categories=list(categories), area=area)


GroupKey = tuple[int, str, dt.date, dt.date]


def group_keys(groups: pd.DataFrame) -> tuple[GroupKey, ...]:
    """(rank, tech category, first date, last date) of each row of collaboration_groups: what fixes its items."""
    return tuple((int(rank), category, pd.Timestamp(start).date(), pd.Timestamp(end).date())
                 for rank, category, start, end in zip(groups["group_rank"], groups["tech_category"],
                                                       groups["group_start"], groups["group_end"], strict=True))


def _evidence_example(con: duckdb.DuckDBPyConnection) -> dict:
    window = _calendar_example(con)
    return {**window, "groups": group_keys(collaboration_groups(con, **window, window_months=6))}


@query(_evidence_example)
def collaboration_evidence(con: duckdb.DuckDBPyConnection, *, date_from: dt.date, date_to: dt.date,
                           groups: tuple[GroupKey, ...]) -> pd.DataFrame:
    """The procurements in the chosen groups (`group_keys` of collaboration_groups found with the same dates)."""
    ranks, categories, starts, ends = (list(column) for column in zip(*groups, strict=True)) if groups else ([],) * 4
    return run_long(con, "collaboration_evidence", date_from=date_from, date_to=date_to, group_ranks=ranks,
                    tech_categories=categories, group_starts=starts, group_ends=ends)


def _coverage_example(con: duckdb.DuckDBPyConnection) -> dict:
    date_from, date_to = months_back(as_of(con), 12)
    return {"date_from": date_from, "date_to": date_to, "as_of": as_of(con)}


@query(_coverage_example)
def coverage_by_borough(con: duckdb.DuckDBPyConnection, *, date_from: dt.date, date_to: dt.date,
                        as_of: dt.date) -> pd.DataFrame:
    """Per borough: months covered, file accounting, payee matching, notices and the publication-quality score."""
    from loti_demand.metrics import QUALITY_RULES

    return run(con, "coverage_by_borough", date_from=date_from, date_to=date_to, as_of=as_of, **QUALITY_RULES)


@query()
def coverage_source_files(con: duckdb.DuckDBPyConnection, *, kind: str = "", area: str = "") -> pd.DataFrame:
    return run(con, "coverage_source_files", kind=kind, area=area)


def _today_example(con: duckdb.DuckDBPyConnection) -> dict:
    return {"today": dt.date.today()}


@query(_today_example)
def publication_timeliness(con: duckdb.DuckDBPyConnection, *, today: dt.date) -> pd.DataFrame:
    """Per spend publisher: the latest month loaded, the last fetch, and whether it is overdue on `today`."""
    return run(con, "publication_timeliness", today=today)


@query()
def load_issue_files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "load_issue_files")


@query()
def load_issues_list(con: duckdb.DuckDBPyConnection, *, source_file: str = "") -> pd.DataFrame:
    return run(con, "load_issues_list", source_file=source_file)
# --- Map, borough profile and spend pages -----------------------------------------------------------------
# Windows are inclusive dates (loti_demand.periods); `boroughs` is a tuple of publisher codes (boroughs' GSS codes,
# London-wide bodies' codes such as GLA), empty = all London, bodies included; `category` is a tech_category code
# or None = all tech categories.

GRAINS = ("month", "quarter")


def _codes(boroughs: tuple[str, ...] | list[str] | None) -> list[str] | None:
    return list(boroughs) if boroughs else None


def spend_periods(con: duckdb.DuckDBPyConnection) -> list[periods.Period]:
    """The spend periods the pages offer for this warehouse (ui.spend_periods: the same, through the page cache)."""
    dates = run(con, "data_dates").iloc[0]
    return periods.spend_periods(dates["first_spend_month"], dates["last_spend_month"], as_of(con))


def _stored_or_run(con: duckdb.DuckDBPyConnection, name: str, stored: dict | None, **params: object
                   ) -> pd.DataFrame:
    """<name>_stored.sql with the `stored` parameters: the answer the build stored for a period the pages offer;
    when there is none (no rows, or `stored` is None: a choice the build does not store), <name>.sql."""
    if stored is not None:
        found = run(con, f"{name}_stored", **stored)
        if not found.empty:
            return found
    return run(con, name, **params)


def _last12(con: duckdb.DuckDBPyConnection) -> dict:
    """The window the spend pages open with: the latest 12 months of spend data."""
    offered = spend_periods(con)
    if offered:
        return {"start": offered[0].start, "end": offered[0].end}
    end = as_of(con)
    return {"start": end - dt.timedelta(days=365), "end": end}


def _next18(con: duckdb.DuckDBPyConnection) -> dict:
    start, end = periods.months_from(as_of(con), 18)
    return {"start": start, "end": end}


def _a_borough(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("select borough_code from agg_spend_by_borough_month order by borough_code limit 1").fetchall()
    return rows[0][0] if rows else "E09000001"


@query()
def data_dates(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "data_dates")


@query()
def tech_categories(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "tech_categories")


def _summary_range_example(con: duckdb.DuckDBPyConnection) -> dict:
    """The default dimensions over the 24 months to the data-as-of date: grouped when asked, not stored."""
    last = as_of(con).replace(day=1)
    return {"by": ("borough", "category", "quarter"), "month_from": add_months(last, -23), "month_to": last}


@query(lambda con: {"by": ("borough", "category", "quarter")},
       variants=(("demand_summary, 24 months", _summary_range_example),))
def demand_summary(con: duckdb.DuckDBPyConnection, *, by: tuple[str, ...], month_from: dt.date | None = None,
                   month_to: dt.date | None = None) -> pd.DataFrame:
    """The export summary (see loti_demand.queries.export_summary): the same function for the Exports page and the
    CLI."""
    return export_summary.demand_summary(con, by=by, month_from=month_from, month_to=month_to)


@query()
def summary_months(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "summary_months")


def _busiest_borough_month(con: duckdb.DuckDBPyConnection) -> dict:
    rows = con.execute(
        "select borough_code, payment_month from agg_spend_by_borough_month "
        "group by all order by payment_month desc, sum(lines) desc limit 1"
    ).fetchall()
    borough_code, month = rows[0] if rows else ("E09000001", dt.date(2000, 1, 1))
    return {"borough_code": borough_code, "month": month, "tech_category": None, "limit": 100}


@query(_busiest_borough_month)
def spend_lines(
    con: duckdb.DuckDBPyConnection,
    *,
    borough_code: str,
    month: dt.date,
    tech_category: str | None = None,
    limit: int = 100,
) -> pd.DataFrame:
    """Drill-down: one borough's largest payment lines in one month, optionally of one tech category."""
    return run(con, "spend_lines", borough_code=borough_code, month=month, tech_category=tech_category,
               limit=limit)


@query()
def borough_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "borough_list")


@query()
def spend_bodies(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "spend_bodies")


@query()
def body_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "body_list")


@query(lambda con: {**_last12(con), "category": None})
def body_measures(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date,
                  category: str | None = None) -> pd.DataFrame:
    """The map measures of the London-wide bodies with spend or tech notices (listed beside the borough map)."""
    return run(con, "body_measures", start=start, end=end, category=category)


@query(lambda con: {**_last12(con), "category": None})
def borough_measures(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date,
                     category: str | None = None) -> pd.DataFrame:
    """Every map measure for every borough. For the periods the pages offer the build has stored the answer
    (agg_borough_measures_by_period); any other window is worked out here. Both give the same answer."""
    where = {"start": start, "end": end, "category": category}
    return _stored_or_run(con, "borough_measures", where, **where)


@query(lambda con: {**_last12(con), "boroughs": (), "category": None})
def spend_summary(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                  category: str | None = None) -> pd.DataFrame:
    return run(con, "spend_summary", start=start, end=end, boroughs=_codes(boroughs), category=category)


@query(lambda con: {**_last12(con), "boroughs": (), "category": None, "grain": "month"})
def spend_over_time(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                    category: str | None = None, grain: str = "month") -> pd.DataFrame:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    return run(con, "spend_over_time", start=start, end=end, boroughs=_codes(boroughs), category=category,
               grain=grain)


@query(lambda con: {**_last12(con), "boroughs": (_a_borough(con),)})
def category_spend(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date,
                   boroughs: tuple[str, ...] = ()) -> pd.DataFrame:
    return run(con, "category_spend", start=start, end=end, boroughs=_codes(boroughs))


STORED_SUPPLIER_RANKS = 51  # agg_suppliers_by_period: the Spend page shows at most 50, and one more says there are more


@query(lambda con: {**_last12(con), "boroughs": (), "category": None, "limit": 10},
       variants=(("top_suppliers, one borough", lambda con: {**_last12(con), "boroughs": (_a_borough(con),),
                                                            "category": None, "limit": 10}),))
def top_suppliers(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                  category: str | None = None, limit: int = 10) -> pd.DataFrame:
    """The `limit` largest suppliers plus one more when there are more (so the page can say so).

    For every borough over a spend period the pages offer, the build has stored the first STORED_SUPPLIER_RANKS
    (agg_suppliers_by_period); any other choice groups the monthly mart. Both give the same answer.
    """
    where = {"start": start, "end": end, "category": category, "limit": int(limit)}
    return _stored_or_run(con, "top_suppliers", where if not boroughs and limit < STORED_SUPPLIER_RANKS else None,
                          **where, boroughs=_codes(boroughs))


@query(lambda con: {**_last12(con), "boroughs": (), "category": None},
       variants=(("supplier_concentration, one borough",
                  lambda con: {**_last12(con), "boroughs": (_a_borough(con),), "category": None}),))
def supplier_concentration(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date,
                           boroughs: tuple[str, ...] = (), category: str | None = None) -> pd.DataFrame:
    """How concentrated each category's named-supplier spend is. As with top_suppliers, the build has stored the
    answer for every borough over the periods the pages offer (agg_concentration_by_period)."""
    where = {"start": start, "end": end, "category": category}
    return _stored_or_run(con, "supplier_concentration", where if not boroughs else None, **where,
                          boroughs=_codes(boroughs))


@query(lambda con: {**_last12(con), "boroughs": ()})
def possible_tech(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date,
                  boroughs: tuple[str, ...] = ()) -> pd.DataFrame:
    return run(con, "possible_tech", start=start, end=end, boroughs=_codes(boroughs))


@query()
def classification_coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "classification_coverage")


@query(lambda con: {**_next18(con), "boroughs": (), "category": None})
def sme_pipeline(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date, boroughs: tuple[str, ...] = (),
                 category: str | None = None) -> pd.DataFrame:
    return run(con, "sme_pipeline", start=start, end=end, boroughs=_codes(boroughs), category=category)


@query(lambda con: {**_next18(con), "category": None})
def london_demand(con: duckdb.DuckDBPyConnection, *, start: dt.date, end: dt.date,
                  category: str | None = None) -> pd.DataFrame:
    """London's pipeline and contracts expiring in the window by kind of buyer: borough, body, other."""
    return run(con, "london_demand", start=start, end=end, category=category)


@query(lambda con: {**_next18(con), "borough": _a_borough(con)})
def borough_pipeline(con: duckdb.DuckDBPyConnection, *, borough: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    return run(con, "borough_pipeline", borough=borough, start=start, end=end)


@query(lambda con: {"borough": _a_borough(con)})
def borough_challenges(con: duckdb.DuckDBPyConnection, *, borough: str) -> pd.DataFrame:
    return run(con, "borough_challenges", borough=borough)


@query(lambda con: {**_next18(con), "borough": _a_borough(con)})
def borough_expiring(con: duckdb.DuckDBPyConnection, *, borough: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    return run(con, "borough_expiring", borough=borough, start=start, end=end)


@query(lambda con: {"borough": _a_borough(con)})
def borough_coverage(con: duckdb.DuckDBPyConnection, *, borough: str) -> pd.DataFrame:
    return run(con, "borough_coverage", borough=borough)


@query(lambda con: {**_last12(con), "borough": _a_borough(con)})
def borough_peers(con: duckdb.DuckDBPyConnection, *, borough: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Tech spend per resident in the window of the borough, its neighbours, the median of its half of London and
    the London median (loti_demand.peers), from borough_measures' figures."""
    from loti_demand import peers

    return peers.compare(borough_measures(con, start=start, end=end), run(con, "borough_peers", borough=borough),
                         borough)


# --- What is growing (loti_demand.growth) ----------------------------------------------------------------------


def _growth_example(con: duckdb.DuckDBPyConnection) -> dict:
    offered = spend_periods(con)
    return {"spend_end": offered[0].end if offered else as_of(con), "end": as_of(con)}


@query(_growth_example)
def category_growth(con: duckdb.DuckDBPyConnection, *, spend_end: dt.date, end: dt.date) -> pd.DataFrame:
    """Each tech category's tech spend (like for like), new tech procurements and challenges opened in the latest
    year and the year before (periods.growth_years of spend_end for spend, of end for the others)."""
    spend_before, spend_latest = periods.growth_years(spend_end)
    before, latest = periods.growth_years(end)
    return run(con, "category_growth", spend_before_start=spend_before.start, spend_before_end=spend_before.end,
               spend_latest_end=spend_latest.end, before_start=before.start, before_end=before.end,
               latest_start=latest.start, latest_end=latest.end)


@query(lambda con: {"end": as_of(con)})
def term_growth(con: duckdb.DuckDBPyConnection, *, end: dt.date) -> pd.DataFrame:
    """How many London notices and challenge statements mention each watched technology term (technology_terms.csv)
    in the latest year and the year before, searched as the Demand calendar's ?q= searches it; with
    growth.terms_growth's totals, the terms found in either year only."""
    from loti_demand import growth

    synonyms = search_synonyms(con)
    terms = [(term, parse_search(synonyms, growth.search_text(term)).patterns())
             for term in run(con, "technology_terms")["term"]]
    terms = [(term, clauses) for term, clauses in terms if clauses]
    before, latest = periods.growth_years(end)
    found = run(con, "term_growth", terms=[t for t, _ in terms], term_clauses=[c for _, c in terms],
                before_start=before.start, before_end=before.end, latest_start=latest.start, latest_end=latest.end)
    return growth.terms_growth(found)


# --- Supplier profile ---------------------------------------------------------------------------------------------
# `supplier` is a supplier_id: the suppliers mart's, or for a supplier named in awards but never paid its matching
# key (procurement_suppliers).


def _a_supplier(con: duckdb.DuckDBPyConnection) -> str:
    """The supplier paid most for technology (the one the Supplier profile opens on)."""
    rows = con.execute("select supplier_id from agg_spend_by_supplier where supplier_id is not null "
                       "group by supplier_id order by sum(amount_gbp) desc, supplier_id limit 1").fetchall()
    return rows[0][0] if rows else ""


@query()
def supplier_list(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return run(con, "supplier_list")


@query(lambda con: {"supplier": _a_supplier(con)})
def supplier_detail(con: duckdb.DuckDBPyConnection, *, supplier: str) -> pd.DataFrame:
    return run(con, "supplier_detail", supplier=supplier)


def _supplier_window(con: duckdb.DuckDBPyConnection) -> dict:
    return {**_last12(con), "supplier": _a_supplier(con)}


@query(_supplier_window)
def supplier_spend_by_buyer(con: duckdb.DuckDBPyConnection, *, supplier: str, start: dt.date,
                            end: dt.date) -> pd.DataFrame:
    return run(con, "supplier_spend_by_buyer", supplier=supplier, start=start, end=end)


@query(_supplier_window)
def supplier_spend_by_month(con: duckdb.DuckDBPyConnection, *, supplier: str, start: dt.date,
                            end: dt.date) -> pd.DataFrame:
    return run(con, "supplier_spend_by_month", supplier=supplier, start=start, end=end)


@query(_supplier_window)
def supplier_category_share(con: duckdb.DuckDBPyConnection, *, supplier: str, start: dt.date,
                            end: dt.date) -> pd.DataFrame:
    """Its share of each category's London market: top_suppliers' share_pct and rank with that category chosen."""
    return run(con, "supplier_category_share", supplier=supplier, start=start, end=end)


def _an_incumbent(con: duckdb.DuckDBPyConnection) -> dict:
    rows = con.execute("select supplier_id from procurement_suppliers where supplier_id is not null "
                       "group by supplier_id order by count(*) desc, supplier_id limit 1").fetchall()
    return {"supplier": rows[0][0] if rows else "", "date_from": as_of(con).replace(day=1)}


@query(_an_incumbent)
def supplier_contracts(con: duckdb.DuckDBPyConnection, *, supplier: str, date_from: dt.date) -> pd.DataFrame:
    """The contracts it holds that had not ended by date_from (the first day of the data-as-of month on the page),
    with the expected re-procurement date and any notice that looks like its re-procurement."""
    return run(con, "supplier_contracts", supplier=supplier, date_from=date_from)


@query(lambda con: {"supplier": _an_incumbent(con)["supplier"]})
def supplier_notices_won(con: duckdb.DuckDBPyConnection, *, supplier: str) -> pd.DataFrame:
    return run(con, "supplier_notices_won", supplier=supplier)
