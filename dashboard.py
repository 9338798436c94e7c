"""loti-demand dashboard: page config, the page registry, then the chosen page runs.

Serve it with `streamlit run dashboard.py`. It reads the warehouse named by LOTI_DEMAND_WAREHOUSE
(default data/warehouse.duckdb) and builds the sample warehouse first if there is none.
"""

import copy

import streamlit as st

from loti_demand import ui

st.set_page_config(page_title="loti-demand: London tech demand", layout="wide", page_icon=ui.FAVICON)


# Made once per server process: each st.Page resolves its file's path, about a twentieth of the server's time under
# many users (st.cache_resource, applied here, would read this file's source on every run to key it). st.navigation
# marks the page it chose in the object, so every run navigates its own shallow copies.
def registry() -> list[st.Page]:
    return [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/map.py", title="Borough map", icon=":material/map:"),
        st.Page("pages/spend.py", title="Spend and suppliers", icon=":material/payments:"),
        st.Page("pages/borough.py", title="Borough profile", icon=":material/location_city:"),
        st.Page("pages/supplier.py", title="Supplier profile", icon=":material/storefront:"),
        st.Page("pages/calendar.py", title="Demand calendar", icon=":material/calendar_month:"),
        st.Page("pages/collaboration.py", title="Collaboration finder", icon=":material/handshake:"),
        st.Page("pages/challenges.py", title="Challenges", icon=":material/lightbulb:"),
        st.Page("pages/coverage.py", title="Data and coverage", icon=":material/fact_check:"),
        st.Page("pages/exports.py", title="Exports", icon=":material/download:"),
    ]


PAGES = [copy.copy(page) for page in ui.made_once("pages", registry)]
page = st.navigation(PAGES + ui.page_not_found(PAGES))
ui.ensure_warehouse()
st.set_page_config(page_title=f"loti-demand: {ui.area().name} tech demand")  # the area the warehouse covers
ui.new_page_run(page.url_path)
page.run()
