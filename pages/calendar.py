"""Demand calendar: upcoming London tech procurements and expected re-procurements, by expected month."""

import streamlit as st

from loti_demand import periods, ui
from loti_demand.alerts import CONFIDENCE, EVIDENCE, MONTHS_AHEAD, SME
from loti_demand.export import chosen_part, file_part, search_part
from loti_demand.metrics import INFERRED, REPLACEMENT, REPROCUREMENT, STATUTORY, VALUE_BAND_LABELS
from loti_demand.presentation import charts, sentences

area_name = ui.area().name  # the area the warehouse covers
ui.page_header(
    "Demand calendar",
    f"When {area_name}'s boroughs and {area_name}-wide bodies are expected to buy technology: dated by their published "
    "notices, or inferred from the end dates of contracts they have already let.",
)
# the boroughs, each London-wide body by name (GLA, TfL), and every buyer that is not a borough together
areas_available = {**ui.borough_names(), **ui.buyer_body_names(), **ui.borough_names(london_wide=True)}
search = ui.url_text(
    "Search notices",
    key="q",
    help="Titles, descriptions, buyers, suppliers and CPV labels containing every word you type, in "
    'any form (sensor also finds sensors); put a phrase in quotes ("case management"). Synonyms '
    'count: AI also finds "machine learning".',
)
cols = st.columns(3)
with cols[0]:
    categories = ui.category_choice(many=True)
with cols[1]:
    areas = ui.url_multiselect(
        f"Borough or {area_name}-wide body",
        list(areas_available),
        key="borough",
        format_func=areas_available.get,
        placeholder="All boroughs and bodies",
    )
with cols[2]:
    bands = ui.url_multiselect(
        "Value band", list(VALUE_BAND_LABELS), key="value", format_func=VALUE_BAND_LABELS.get, placeholder="Any value"
    )
cols = st.columns(3)
with cols[0]:
    sme = ui.url_selectbox("Suitable for small businesses (SMEs)", list(SME), key="sme", format_func=SME.get)
with cols[1]:
    evidence = ui.url_selectbox("Evidence", list(EVIDENCE), key="evidence", format_func=EVIDENCE.get)
with cols[2]:
    ahead = ui.url_number(
        "Months ahead", key="months", default=MONTHS_AHEAD[0], min_value=MONTHS_AHEAD[1], max_value=MONTHS_AHEAD[2]
    )
ui.ignored_params_notice()
searched = ui.search_query(search)
ui.search_note(searched, search)

as_of = ui.as_of()
date_from, date_to = periods.months_from(as_of, ahead)
items = ui.query(
    "demand_calendar",
    date_from=date_from,
    date_to=date_to,
    categories=tuple(categories),
    areas=tuple(areas),
    value_bands=tuple(bands),
    sme=sme,
    confidence=CONFIDENCE[evidence],
    q=search,
    as_of=as_of,
)
ui.alert_downloads("calendar", items, key="calendar_alerts")
undated = ui.query("demand_undated")

cols = st.columns(3)
cols[0].metric("Procurements expected", f"{len(items):,}")
cols[1].metric("From statutory notices", f"{int((items['confidence'] == STATUTORY).sum()):,}")
cols[2].metric("Inferred from contract end dates", f"{int((items['confidence'] == INFERRED).sum()):,}")
undated_count = int(undated["items"].sum())
st.caption(
    f"From {date_from:%B %Y}, the month of the data-as-of date ({as_of:%-d %B %Y}), to {date_to:%B %Y}. {area_name} "
    "buyers and technology categories only. "
    + ui.cached(
        sentences.calendar_measures_sentence,
        items,
        date_from,
        date_to,
        filtered=bool(categories or areas or bands or searched) or sme != "any" or evidence != "any",
    )
    + (
        f" {undated_count:,} {area_name} tech procurements give no date at all and cannot be placed on the calendar."
        if undated_count
        else ""
    )
)

st.header("Expected procurements per month")
months = periods.month_starts(date_from, date_to)
ui.chart(
    ui.cached(charts.demand_timeline_figure, items, months),
    key="calendar_timeline",
    summary=ui.cached(charts.demand_timeline_summary, items, months),
)

with st.expander("How the dates and the confidence are worked out"):
    st.markdown(
        f"- **{STATUTORY.capitalize()}**: a published notice gives the date. Pipeline (UK1), preliminary market "
        "engagement (UK2) and planned procurement (UK3) notices give the expected date the buyer goes to market; "
        "a tender notice (UK4, or a Contracts Finder opportunity) gives the deadline for bids.\n"
        f"- **{INFERRED.capitalize()}**: no notice yet, so we estimate. {REPROCUREMENT.explain()} This is our "
        "assumption, not the buyer's plan. *Current supplier(s)* are the ones the "
        "contract was awarded to, as published, and *Current contract ends* is its end date.\n"
        f"- **Incumbents of a notice**: {REPLACEMENT.explain()} *New contract would end* is the end the notice "
        "plans for the contract it offers, not the current one's.\n"
        "- The calendar counts whole months, from the first day of the data-as-of month: a tender whose deadline "
        "fell earlier in that month is still counted in it.\n"
        "- A procurement dated before the data-as-of date is **already due**: a tender whose deadline for bids has "
        "passed, or a contract whose estimated re-procurement date has gone by. A contract whose estimated date came "
        "before the first day of the month but which had not ended by then is counted in the first month.\n"
        "- A replacement tender and the contract it replaces can both appear when they have different OCDS IDs.\n"
        "- Cancelled and withdrawn procurements are left out. Buyers that are not boroughs, such as the GLA and "
        "TfL, are shown as *London-wide body*."
    )

st.header("Procurements in the calendar")
if items.empty:
    ui.no_data(
        ui.no_notices_loaded()
        or (
            "No procurements match these words and filters. Try other words, more months ahead, or fewer filters."
            if searched
            else "No procurements match these filters. Try more months ahead, or fewer filters."
        )
    )
else:
    ui.table(
        items,
        [
            "incumbent_suppliers",
            "current_contract_end",
            "value_gbp",
            "expected_date",
            "is_due_now",
            "area_name",
            "title",
            *(["search_match"] if searched else []),
            "notice_url",
            "tech_category_label",
            "confidence",
            "value_band_label",
            "date_basis",
            "new_contract_end",
            "incumbent_match",
            "notice_type",
            "sme_suitability",
            "buyer_name",
            "ocid",
        ],
        key="calendar_table",
        name="demand_calendar",
        filters=(
            search_part(search),
            chosen_part(categories, "categories"),
            chosen_part(areas, "areas"),
            chosen_part(bands, "value_bands"),
            f"sme-{file_part(SME[sme].lower())}" if sme != "any" else None,
            f"{evidence}-only" if evidence != "any" else None,
        ),
        months=(date_from, date_to),
    )

if searched:
    st.header(f"Every {area_name} notice with these words")
    notices, more = ui.top_n(ui.query("notice_search", q=search, limit=201), 200)
    st.write(
        "Past and upcoming, technology or not, latest notice first: the calendar above holds only the tech "
        "procurements still to come." + (" Showing the latest 200: add words to narrow it." if more else "")
    )
    ui.table(
        notices,
        [
            "last_notice_date",
            "area_name",
            "title",
            "search_match",
            "notice_url",
            "tech_category_label",
            "notice_type",
            "status",
            "value_gbp",
            "supplier_names",
            "tender_end",
            "contract_end",
            "ocid",
        ],
        key="notice_search_table",
        name="notice_search",
        filters=(search_part(search),),
        empty=f"No {area_name} notice has these words.",
    )

ui.glossary("ocds", "notice_types", "cpv", "sme")
