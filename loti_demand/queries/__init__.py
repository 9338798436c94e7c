"""The query API the pages, the CLI and the benchmark call: one function per .sql file in this folder, in a module
per subject. Callers write `queries.<name>`; each name lives in one of:

- `core`: run a query's SQL with bound parameters (`run`, `run_long` for long answers), the registry (`QUERIES`),
  and the data-as-of date and spend periods every window starts from.
- `spend`: the money paid for technology (headline, trends, suppliers' shares, the map's measures).
- `demand`: procurements coming to market and contracts ending (Demand calendar, collaboration, what is growing).
- `challenges`: challenge statements and what came of them.
- `suppliers`: the Supplier profile.
- `coverage`: what the warehouse holds and how well (build details, lists for the filters, files, quality).
- `export_summary`: the demand summary export's table.
- `word_search`: a search box's words and synonyms as SQL patterns, and the matches marked.
- `examples`: the example parameters several registrations share, for the benchmark.

Every value is a bound parameter. Each query is registered with example parameters so the benchmark can time
exactly the queries the pages run (`QUERIES`). Month arithmetic lives in loti_demand.periods; it is named here too
because the pages and tests work out their windows with it.
"""

from loti_demand.periods import add_months, month_starts, months_back
from loti_demand.periods import months_from as months_ahead  # the Demand calendar's window: whole months ahead
from loti_demand.queries import examples, export_summary
from loti_demand.queries.challenges import (
    CHALLENGE_FACETS,
    borough_challenges,
    challenge_detail,
    challenge_filter_options,
    challenge_outcomes_for,
    challenges_list,
)
from loti_demand.queries.core import (
    QUERIES,
    QUERIES_DIR,
    Example,
    Query,
    arrow_frame,
    as_of,
    query,
    run,
    run_long,
    spend_periods,
    sql,
)
from loti_demand.queries.coverage import (
    body_list,
    borough_coverage,
    borough_list,
    build_info,
    classification_coverage,
    coverage_by_borough,
    coverage_source_files,
    data_dates,
    fetch_log,
    load_issue_files,
    load_issues_list,
    publication_timeliness,
    spend_bodies,
    tech_categories,
)
from loti_demand.queries.demand import (
    GroupKey,
    borough_expiring,
    borough_pipeline,
    category_growth,
    collaboration_evidence,
    collaboration_groups,
    demand_calendar,
    demand_undated,
    group_keys,
    london_demand,
    notice_search,
    procurement_dates,
    sme_pipeline,
    term_growth,
)
from loti_demand.queries.export_summary import demand_summary, summary_months
from loti_demand.queries.spend import (
    GRAINS,
    PIPELINE_MONTHS,
    body_measures,
    borough_measures,
    borough_peers,
    category_spend,
    headline,
    possible_tech,
    spend_lines,
    spend_over_time,
    spend_summary,
    supplier_concentration,
    tech_spend_by_category,
    top_suppliers,
)
from loti_demand.queries.suppliers import (
    supplier_category_share,
    supplier_contracts,
    supplier_detail,
    supplier_list,
    supplier_notices_won,
    supplier_spend_by_buyer,
    supplier_spend_by_month,
)
from loti_demand.queries.word_search import parse_search, search_query, search_synonyms

__all__ = [
    "CHALLENGE_FACETS",
    "GRAINS",
    "PIPELINE_MONTHS",
    "QUERIES",
    "QUERIES_DIR",
    "Example",
    "GroupKey",
    "Query",
    "add_months",
    "arrow_frame",
    "as_of",
    "body_list",
    "body_measures",
    "borough_challenges",
    "borough_coverage",
    "borough_expiring",
    "borough_list",
    "borough_measures",
    "borough_peers",
    "borough_pipeline",
    "build_info",
    "category_growth",
    "category_spend",
    "challenge_detail",
    "challenge_filter_options",
    "challenge_outcomes_for",
    "challenges_list",
    "classification_coverage",
    "collaboration_evidence",
    "collaboration_groups",
    "coverage_by_borough",
    "coverage_source_files",
    "data_dates",
    "demand_calendar",
    "demand_summary",
    "demand_undated",
    "examples",
    "export_summary",
    "fetch_log",
    "group_keys",
    "headline",
    "load_issue_files",
    "load_issues_list",
    "london_demand",
    "month_starts",
    "months_ahead",
    "months_back",
    "notice_search",
    "parse_search",
    "possible_tech",
    "procurement_dates",
    "publication_timeliness",
    "query",
    "run",
    "run_long",
    "search_query",
    "search_synonyms",
    "sme_pipeline",
    "spend_bodies",
    "spend_lines",
    "spend_over_time",
    "spend_periods",
    "spend_summary",
    "sql",
    "summary_months",
    "supplier_category_share",
    "supplier_concentration",
    "supplier_contracts",
    "supplier_detail",
    "supplier_list",
    "supplier_notices_won",
    "supplier_spend_by_buyer",
    "supplier_spend_by_month",
    "tech_categories",
    "tech_spend_by_category",
    "term_growth",
    "top_suppliers",
]
