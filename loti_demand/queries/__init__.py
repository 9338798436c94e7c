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
exactly the queries the pages run (`QUERIES`; the pages run them by name through `ui`). The package names the
registry, the runners and the queries the CLI, the alerts and the tests call directly. Month arithmetic lives in
loti_demand.periods.
"""

from loti_demand.queries import examples, export_summary
from loti_demand.queries.challenges import (
    borough_challenges,
    challenge_coverage,
    challenge_filter_options,
    challenges_list,
)
from loti_demand.queries.core import (
    QUERIES,
    QUERIES_DIR,
    Query,
    arrow_frame,
    as_of,
    run,
    run_long,
    spend_periods,
)
from loti_demand.queries.coverage import (
    body_list,
    borough_list,
    build_info,
    coverage_by_borough,
    data_dates,
    publication_timeliness,
    tech_categories,
)
from loti_demand.queries.demand import (
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
    sme_pipeline,
    term_growth,
)
from loti_demand.queries.export_summary import demand_summary
from loti_demand.queries.spend import (
    PIPELINE_MONTHS,
    body_measures,
    borough_measures,
    headline,
    spend_summary,
    supplier_concentration,
    top_suppliers,
)
from loti_demand.queries.suppliers import (
    supplier_category_share,
    supplier_list,
    supplier_spend_by_buyer,
    supplier_spend_by_month,
)
from loti_demand.queries.word_search import parse_search, search_query

__all__ = [
    "PIPELINE_MONTHS",
    "QUERIES",
    "QUERIES_DIR",
    "Query",
    "arrow_frame",
    "as_of",
    "body_list",
    "body_measures",
    "borough_challenges",
    "borough_expiring",
    "borough_list",
    "borough_measures",
    "borough_pipeline",
    "build_info",
    "category_growth",
    "challenge_coverage",
    "challenge_filter_options",
    "challenges_list",
    "collaboration_evidence",
    "collaboration_groups",
    "coverage_by_borough",
    "data_dates",
    "demand_calendar",
    "demand_summary",
    "demand_undated",
    "examples",
    "export_summary",
    "group_keys",
    "headline",
    "london_demand",
    "notice_search",
    "parse_search",
    "publication_timeliness",
    "run",
    "run_long",
    "search_query",
    "sme_pipeline",
    "spend_periods",
    "spend_summary",
    "supplier_category_share",
    "supplier_concentration",
    "supplier_list",
    "supplier_spend_by_buyer",
    "supplier_spend_by_month",
    "tech_categories",
    "term_growth",
    "top_suppliers",
]
