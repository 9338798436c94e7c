"""Supplier profile (?supplier=<supplier id>): one supplier's London tech payments by buyer, month and category, its
share of each category's market, the contracts it holds with their end dates and expected re-procurements, and the
notices it has won. Every supplier name in the dashboard's tables links here."""

import streamlit as st

from loti_demand import periods, ui
from loti_demand.export import file_part
from loti_demand.metrics import REPROCUREMENT
from loti_demand.presentation import charts, sentences

area_name = ui.area().name  # the area the warehouse covers
ui.page_header(
    "Supplier profile",
    f"What {area_name}'s councils and {area_name}-wide bodies pay one supplier for technology, "
    "its share of each market, the contracts it holds and when they come up again, "
    "and the notices it has won.",
)
names, largest = ui.supplier_names()
if not names:
    ui.no_data("No suppliers yet: build the warehouse from spend files or award notices (see docs/building.md).")
    st.stop()
windows = ui.spend_periods()
filters = st.columns([2, 3])  # the period below, a row of its own: its whole name fits a small laptop's page
with filters[0]:
    find = ui.url_text(
        "Find a supplier",
        key="find",
        help="Part of a supplier's name, as shown or as a council published it (Ltd or Limited alike): the "
        "Supplier list then offers the suppliers whose names hold it.",
    )
offered, matching = ui.supplier_choices(find)
# A search typed on this page shows its first match, unless the supplier shown is one. Not a link (the Supplier
# box is not yet in the session when the page opens: its ?supplier= decides), nor a search cleared.
searched, st.session_state["_find_shown"] = st.session_state.get("_find_shown"), find
typed = find and searched not in (None, find) and "supplier" in st.session_state
if typed and offered and st.session_state["supplier"] not in offered:
    st.session_state["supplier"] = offered[0]
# A link with a search but no supplier (?find=networks) opens on the search's first match, not on the largest
# supplier, whose name may not hold it.
linked = find and "supplier" not in st.session_state and "supplier" not in st.query_params
if linked and offered and largest not in offered:
    st.session_state["supplier"] = offered[0]
with filters[1]:
    code = ui.url_selectbox("Supplier", offered, key="supplier", default=largest, format_func=names.get, allowed=names)
period = ui.period_selectbox(windows) if windows else None
if choosing := sentences.supplier_choices_sentence(find, len(offered), matching):
    st.caption(ui.plain(choosing))
ui.ignored_params_notice()
ui.keep_in_url("supplier", code)  # a profile's address always names its supplier, even the one it opens on
name = ui.plain(names[code])  # a publisher's text: shown as typed, never as markdown
supplier = (file_part(code),)  # its id in the downloads' file names: the tables have no supplier column
st.caption(ui.plain(sentences.supplier_identity_sentence(ui.query("supplier_detail", supplier=code).iloc[0])))

if period is not None:
    where = {"supplier": code, "start": period.start, "end": period.end}
    st.header(f"{name}: tech payments, {period.phrase}")
    buyers = ui.query("supplier_spend_by_buyer", **where)
    st.write(sentences.supplier_buyers_sentence(buyers, period.phrase))  # names from the reference list
    trend = ui.query("supplier_spend_by_month", **where)
    if not trend.empty:
        ui.chart(
            ui.cached(charts.spend_trend_figure, trend, title="Tech payments by month and category"),
            key="supplier_trend",
            summary=sentences.trend_summary(trend),
        )
        ui.table(
            trend,
            ["period_start", "tech_category_label", "tech_spend_gbp", "lines"],
            key="supplier_trend_table",
            name="supplier_payments_by_month",
            filters=supplier,
            months=(period.start, period.end),
        )
    if not buyers.empty:
        ui.table(
            buyers,
            ["area_name", "tech_spend_gbp", "lines", "months_paid"],
            key="supplier_buyers",
            name="supplier_payments_by_buyer",
            filters=supplier,
            months=(period.start, period.end),
        )

    st.subheader(f"Share of each category's market, {period.phrase}")
    st.write(
        f"Its tech spend in each category as a share of all the {area_name} tech spend in that category paid to "
        "named suppliers, its rank among them, and how many there are: as the Spend and suppliers page's Top "
        "suppliers table shows them with that category chosen."
    )
    ui.table(
        ui.query("supplier_category_share", **where),
        ["tech_category_label", "tech_spend_gbp", "share_pct", "rank", "suppliers", "named_spend_gbp"],
        key="supplier_shares",
        name="supplier_market_shares",
        filters=supplier,
        months=(period.start, period.end),
        empty="No tech spend to measure a share of in this period.",
    )

st.header("Contracts it holds")
month = periods.months_from(ui.as_of(), 1)[0]
contracts = ui.query("supplier_contracts", supplier=code, date_from=month, as_of=ui.as_of())
st.write(
    f"{area_name} contracts awarded to {name} that had not ended by {month:%B %Y}, soonest ending first. "
    f"{REPROCUREMENT.explain()} Where an upcoming notice looks like a contract's re-procurement (see the Demand "
    "calendar), it is named."
)
ui.table(
    contracts,
    [
        "contract_end",
        "reprocurement_date",
        "is_due_now",
        "area_name",
        "title",
        "tech_category_label",
        "value_gbp",
        "supplier_names",
        "replacement_date",
        "replacement_title",
        "replacement_url",
        "notice_url",
    ],
    key="supplier_contracts",
    name="supplier_contracts_held",
    filters=supplier,
    empty=f"No current {area_name} contracts are published for it.",
)

st.header("Notices it has won")
ui.table(
    ui.query("supplier_notices_won", supplier=code),
    [
        "last_notice_date",
        "area_name",
        "title",
        "tech_category_label",
        "status",
        "award_value_gbp",
        "supplier_names",
        "contract_start",
        "contract_end",
        "notice_url",
    ],
    key="supplier_won",
    name="supplier_notices_won",
    filters=supplier,
    empty=f"No {area_name} award notice names it.",
)

ui.glossary("ocds", "notice_types", "cpv", "proclass")
