"""Exports: the demand summary by borough x tech category x period, as CSV with its notes."""

import streamlit as st

from loti_demand import export, periods, ui
from loti_demand.queries import export_summary

area_name = ui.area().name  # the area the warehouse covers
ui.page_header(
    "Exports",
    f"Download a summary of {area_name}'s tech demand (spend, upcoming procurements, contracts ending and challenges) "
    "by borough, tech category and period, as a CSV file that spreadsheets and analysis tools read directly.",
)
AREA = {"borough": "By borough", "london": f"{area_name}-wide total"}
CATEGORY = {"category": "By tech category", "all": "All tech categories together"}
PERIOD = {"quarter": "By quarter", "month": "By month", "financial_year": "By financial year", "whole": "Whole period"}

cols = st.columns(3)
with cols[0]:
    area = ui.url_selectbox("Area", list(AREA), key="area", format_func=AREA.get)
with cols[1]:
    category = ui.url_selectbox("Tech category", list(CATEGORY), key="categories", format_func=CATEGORY.get)
with cols[2]:
    period = ui.url_selectbox("Period", list(PERIOD), key="period", format_func=PERIOD.get)
span = ui.query("summary_months").iloc[0]
months = [] if span.isna().any() else periods.month_starts(span["first_month"].date(), span["last_month"].date())
choices = ["", *(f"{m:%Y-%m}" for m in months)]
cols = st.columns(2)
with cols[0]:
    first = ui.url_selectbox("From month", choices, key="from", format_func=lambda m: m or "Earliest")
with cols[1]:
    last = ui.url_selectbox("To month", choices, key="to", format_func=lambda m: m or "Latest")
ui.ignored_params_notice()

by = tuple(d for d in (area, category, period) if d in export_summary.DIMENSIONS)
month_from, month_to = export_summary.parse_month(first, "From"), export_summary.parse_month(last, "To")
if month_from and month_to and month_from > month_to:
    st.warning("The 'From month' is after the 'To month': choose an earlier 'From month'.")
    st.stop()
table = ui.query("demand_summary", by=by, month_from=month_from, month_to=month_to)
notes = export.summary_notes(
    ui.connection(), by=by, month_from=month_from, month_to=month_to, rows=len(table), warehouse=ui.warehouse_path()
)
stem = export.summary_file_stem(by, month_from, month_to, ui.as_of())

st.header("Demand summary")
st.caption(
    f"{len(table):,} {'row' if len(table) == 1 else 'rows'}; data as of {ui.as_of():%-d %B %Y}. Technology only. "
    f"{export.spend_coverage(ui.connection(), month_from, month_to, ui.area())} Spend is money paid; "
    "pipeline and contract values are estimates and awarded values: do not add them together. Definitions "
    "are below and in the notes file."
)
if table.empty:
    ui.no_data("No data for these months.")
else:
    ui.table(
        table,
        list(table.columns),
        key="summary_table",
        name=export.summary_name(by),
        months=(month_from, month_to),
    )
ui.text_download(
    "Download the notes (definitions and data as of)", notes, file_name=f"{stem}.notes.md", key="summary_notes"
)

st.header("About this export")
st.markdown(
    "The CSV file has one header row and one row per combination, nothing else, so any tool reads it as it is. "
    "The data-as-of date and the definition of every column are in the notes file beside it, and below."
)
st.markdown("\n".join(notes.splitlines()[2:]).replace("## Columns", "### Columns"))
st.subheader("The same file from the command line")
st.code(
    export.summary_command_line(by, month_from, month_to, f"{stem}.csv", warehouse=ui.warehouse_path()),
    language="bash",
    wrap_lines=True,
)
