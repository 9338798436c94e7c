"""Collaboration finder: boroughs buying the same kind of technology at about the same time."""

import streamlit as st

from loti_demand import periods, queries, ui
from loti_demand.export import chosen_part, file_part
from loti_demand.metrics import MEASURES

area_name = ui.area().name  # the area the warehouse covers
ui.page_header(
    "Collaboration finder",
    "Boroughs that are about to buy the same kind of technology at about the same time: candidates for a joint "
    f"procurement or a shared contract, so {area_name} avoids buying the same thing many times over.",
)

cols = st.columns(4)
with cols[0]:
    categories = ui.category_choice(many=True)
with cols[1]:
    borough = ui.borough_choice("Show groups that include", key="includes")
with cols[2]:
    within = ui.url_number(
        "Within how many months",
        key="within",
        default=6,
        min_value=1,
        max_value=24,
        help="Items join a group when they fall within this many months of its first item.",
    )
with cols[3]:
    ahead = ui.url_number("Months ahead", key="months", default=18, min_value=1, max_value=36)
ui.ignored_params_notice()

as_of = ui.as_of()
date_from, date_to = periods.months_from(as_of, ahead)
groups = ui.query(
    "collaboration_groups",
    date_from=date_from,
    date_to=date_to,
    window_months=within,
    categories=tuple(categories),
    area=borough,
)
# what the downloads' file names say of the filters (the months ahead are the months they name)
named = (chosen_part(categories, "categories"), file_part(borough), f"within-{within}-months")

cols = st.columns(3)
cols[0].metric("Candidate groups", f"{len(groups):,}")
cols[1].metric("Boroughs involved", f"{len({c for codes in groups['group_codes'] for c in codes}):,}")
cols[2].metric(
    "Combined stated value",
    MEASURES["group_value_gbp"].format(groups["group_value_gbp"].sum()),
    help=MEASURES["group_value_gbp"].definition,
)
st.caption(
    f"Procurements expected from the data-as-of date, {as_of:%-d %B %Y}, to {date_to:%-d %B %Y}, as on the Demand "
    "calendar. Values are notices' estimates and awarded contract values, not money spent."
)

st.header("How candidates are found")
st.markdown(
    "We take every borough procurement on the Demand calendar for the period: published notices and contracts "
    "whose re-procurement we infer from their end date. Within each tech category we put them in date order. "
    f"A group starts at the earliest one and takes every procurement up to **{within} months** after it; the "
    "next one starts a new group. A group is a candidate when **two or more boroughs** are in it. A re-procurement "
    f"that is already due counts from the data-as-of date. {area_name}-wide bodies are left out.\n\n"
    "A candidate is a prompt to talk, not a recommendation: contracts differ in scope, and some boroughs "
    "already buy together."
)

st.header("Candidate joint procurements")
if groups.empty:
    ui.no_data(
        ui.no_notices_loaded()
        or "No two boroughs are buying the same tech category within this many months. Try a longer gap, "
        "more months ahead, or fewer filters."
    )
else:
    ui.table(
        groups,
        [
            "group_id",
            "tech_category_label",
            "group_start",
            "group_end",
            "borough_count",
            "items",
            "group_value_gbp",
            "group_boroughs",
        ],
        key="collaboration_groups",
        name="collaboration_candidates",
        filters=named,
        months=(date_from, date_to),
    )
    st.header("The evidence: procurements in each group")
    names = {
        g.group_id: f"{g.group_id}: {g.tech_category_label}, {g.borough_count} boroughs from {g.group_start:%B %Y}"
        for g in groups.itertuples()
    }
    shown = ui.url_selectbox(
        "Show the procurements of",
        ["", *names],
        key="group",
        format_func=lambda g: names.get(g, "All candidate groups"),
    )
    ui.ignored_params_notice()  # a group named in the link that these filters do not find
    chosen = groups[groups["group_id"] == shown] if shown else groups
    items = ui.query("collaboration_evidence", date_from=date_from, date_to=date_to, groups=queries.group_keys(chosen))
    ui.table(
        items,
        [
            "group_id",
            "area_name",
            "title",
            "expected_date",
            "confidence",
            "value_gbp",
            "notice_url",
            "contract_end",
            "tech_category_label",
            "buyer_name",
            "ocid",
        ],
        key="collaboration_items",
        name="collaboration_evidence",
        filters=(*named, file_part(shown.lower())),
        months=(date_from, date_to),
    )
