"""What the pages call: the only part of the package that imports Streamlit. Pages write `ui.<name>`; each name
lives in the module for its job:

- `data`: the cached read-only connection, `query` (cached by parameters and warehouse version), the first-run
  build and the "cannot be read" page, and the lookups every page shares (data-as-of date, names, periods).
- `url_state`: widgets whose values live in the URL, so a copied link reopens the same view.
- `widgets`: the filters several pages share (tech category, borough, period).
- `text`: publisher text shown safely (escaped, http(s) links only, search words highlighted).
- `tables`: tables with their CSV download (or a note when empty), supplier links, alert downloads.
- `page`: the page header, the unknown-address page, charts with their sentence, map clicks, growth links.
"""

from loti_demand.ui.data import (
    area,
    as_of,
    body_names,
    borough_names,
    boundaries,
    build_info,
    buyer_body_names,
    cached,
    category_label,
    category_labels,
    connection,
    ensure_warehouse,
    facet_options,
    query,
    reference_date,
    search_query,
    spend_periods,
    supplier_choices,
    supplier_names,
    unreadable_page,
    warehouse_path,
)
from loti_demand.ui.page import (
    FAVICON,
    chart,
    made_once,
    page_header,
    page_not_found,
    selected_borough,
    term_links,
)
from loti_demand.ui.tables import (
    LAZY_ROWS,
    alert_downloads,
    copy_link,
    no_data,
    supplier_link,
    supplier_links,
    supplier_shortcuts,
    table,
    text_download,
    top_n,
)
from loti_demand.ui.text import facts, highlighted, is_missing, link, long_date, plain, search_note, web_url, web_urls
from loti_demand.ui.url_state import (
    ignored_params_notice,
    page_link,
    url_facet,
    url_multiselect,
    url_number,
    url_selectbox,
    url_text,
    url_values,
)
from loti_demand.ui.widgets import borough_choice, category_choice, period_selectbox

__all__ = [
    "FAVICON",
    "LAZY_ROWS",
    "alert_downloads",
    "area",
    "as_of",
    "body_names",
    "borough_choice",
    "borough_names",
    "boundaries",
    "build_info",
    "buyer_body_names",
    "cached",
    "category_choice",
    "category_label",
    "category_labels",
    "chart",
    "connection",
    "copy_link",
    "ensure_warehouse",
    "facet_options",
    "facts",
    "highlighted",
    "ignored_params_notice",
    "is_missing",
    "link",
    "long_date",
    "made_once",
    "no_data",
    "page_header",
    "page_link",
    "page_not_found",
    "period_selectbox",
    "plain",
    "query",
    "reference_date",
    "search_note",
    "search_query",
    "selected_borough",
    "spend_periods",
    "supplier_choices",
    "supplier_link",
    "supplier_links",
    "supplier_names",
    "supplier_shortcuts",
    "table",
    "term_links",
    "text_download",
    "top_n",
    "unreadable_page",
    "url_facet",
    "url_multiselect",
    "url_number",
    "url_selectbox",
    "url_text",
    "url_values",
    "warehouse_path",
    "web_url",
    "web_urls",
]
