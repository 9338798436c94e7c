"""loti-demand dashboard: page config, the page registry, then the chosen page runs.

Serve it with `streamlit run dashboard.py`. It reads the warehouse named by LOTI_DEMAND_WAREHOUSE
(default data/warehouse.duckdb) and builds the sample warehouse first if there is none.
"""

import streamlit as st

from loti_demand import ui

st.set_page_config(page_title="loti-demand: London tech demand", page_icon=":material/insights:", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/map.py", title="Borough map", icon=":material/map:"),
    st.Page("pages/spend.py", title="Spend and suppliers", icon=":material/payments:"),
    st.Page("pages/borough.py", title="Borough profile", icon=":material/location_city:"),
]

page = st.navigation(PAGES)
ui.ensure_warehouse()
page.run()
