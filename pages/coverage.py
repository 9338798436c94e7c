"""Data and coverage: what each borough publishes, how cleanly it loads, and how the figures are made."""

import datetime as dt

import streamlit as st

from loti_demand import periods, ui
from loti_demand.export import file_part
from loti_demand.presentation import charts, method_notes

ui.page_header(
    "Data and coverage",
    "What each borough publishes, how complete and timely it is, what could not be loaded and why, and how every "
    "figure on this dashboard is worked out.",
)
KINDS = {"": "All sources", "spend": "Spend files", "procurement": "Procurement notices", "challenges": "Challenges"}

period = ui.url_number(
    "Period: months up to the data-as-of date",
    key="months_back",
    default=12,
    min_value=1,
    max_value=60,
    help="Months with data, payees and the score are measured over this period.",
)
ui.ignored_params_notice()
as_of = ui.as_of()
date_from, date_to = periods.months_back(as_of, period)
coverage = ui.query("coverage_by_borough", date_from=date_from, date_to=date_to, as_of=as_of)
boroughs = coverage[coverage["borough_code"].notna()]
st.caption(
    f"Period: {date_from:%B %Y} to {date_to:%-d %B %Y} ({period} months). "
    f"{int((boroughs['spend_files'] > 0).sum())} of {len(boroughs)} authorities have spend files loaded."
)

st.header("Publication-quality score by borough")
ui.chart(
    ui.cached(
        charts.score_bar_figure,
        boroughs,
        value="quality_score",
        name="borough_name",
        title="Publication-quality score (0-100)",
    ),
    key="coverage_scores",
    summary=charts.score_summary(boroughs, value="quality_score", name="borough_name"),
)
st.subheader("How the score is worked out")
st.markdown(method_notes.score_method())

st.header("Coverage by borough")
ui.table(
    coverage,
    [c for c in coverage.columns if c not in ("borough_code",)],
    key="coverage_table",
    name="coverage_by_borough",
    months=(date_from, date_to),
)

st.header("How tech spend was identified")
st.write(
    "Each payment line is read whole: what it says was bought decides (high confidence); where it says "
    "nothing, what its supplier is known for (the kept list of technology suppliers, the technology contracts "
    "it has won, its name, or its other payments: where almost all of them say technology in any council's "
    "file) decides (medium), as does an IT department buying what the line calls equipment or consultancy. "
    "Lines that only the buying department suggests are technology are not counted: "
    "they are shown as possibly tech. An officer can correct any of it in "
    "data/reference/classification_corrections.csv."
)
identified = ui.query("classification_coverage", date_from=date_from, date_to=date_to)
st.caption(f"Payments from {date_from:%B %Y} to {date_to:%B %Y}, the period chosen above.")
ui.table(
    identified,
    [c for c in identified.columns if c != "borough_code"],
    key="coverage_classification",
    name="tech_spend_identification",
    months=(date_from, date_to),
    empty="No spend lines have been loaded.",
)

st.header("Files loaded")
cols = st.columns(2)
with cols[0]:
    kind = ui.url_selectbox("Source", list(KINDS), key="source", format_func=KINDS.get)
with cols[1]:
    area = ui.borough_choice("Borough", key="files_borough")
files = ui.query("coverage_source_files", kind=kind, area=area)
if files.empty:
    ui.no_data("No files of this kind have been loaded.")
else:
    ui.table(files, list(files.columns), key="coverage_files", name="source_files", filters=(kind, area))

st.header("Quarantined lines and rejected files")
issue_files = ui.query("load_issue_files")
if issue_files.empty:
    ui.no_data("No lines were quarantined and no file was rejected.")
else:
    counts = dict(zip(issue_files["source_file"], issue_files["issues"], strict=True))
    nothing_loaded = dict(issue_files.dropna(subset=["nothing_loaded"])[["source_file", "nothing_loaded"]].values)
    for path, problem in nothing_loaded.items():  # every line quarantined: say so, with the commonest reason
        st.warning(f"`{path}`: {problem}", icon=":material/warning:")
    labels = {"": f"All files ({sum(counts.values()):,})"} | {
        f: f"{f} ({n:,}{', nothing loaded' if f in nothing_loaded else ''})" for f, n in counts.items()
    }
    chosen = ui.url_selectbox("File", list(labels), key="file", format_func=labels.get)
    issues = ui.query("load_issues_list", source_file=chosen)
    ui.table(issues, list(issues.columns), key="coverage_issues", name="load_issues", filters=(file_part(chosen),))

st.header("Fetch log")
fetches = ui.query("fetch_log")
if fetches.empty:
    ui.no_data(
        "No fetch log: this warehouse was built from files, not fetched from the publishers' sites or the "
        "Find a Tender or Contracts Finder APIs."
    )
else:
    ui.table(fetches, list(fetches.columns), key="coverage_fetches", name="fetch_log")

st.header("Publication timeliness")
today = ui.reference_date()
when = "today" if today == dt.date.today() else "the sample's data-as-of date"
st.caption(
    "The Local Government Transparency Code asks for spend over £500 at least quarterly, each quarter's "
    f"data due one month after the quarter ends; monthly is the norm. Overdue as of {today:%-d %B %Y} "
    f"({when}), by the latest "
    "month of spend loaded; the publishers come from data/reference/spend_sources.csv. The score above compares "
    "each borough with the data-as-of month instead."
)
timeliness = ui.query("publication_timeliness", today=today)
ui.table(
    timeliness,
    [c for c in timeliness.columns if c != "publisher_code"],
    key="coverage_timeliness",
    name="publication_timeliness",
)

st.header("Method notes")
info = ui.build_info()
st.subheader("How the figures are computed")
st.markdown(method_notes.how_figures_are_computed(str(info["taxonomy_version"])))
st.subheader(f"Tech categories (taxonomy version {info['taxonomy_version']})")
categories = ui.query("tech_categories")
ui.table(categories, ["tech_category_label", "description"], key="coverage_categories", name="tech_categories")
st.subheader("Known limitations")
st.markdown(method_notes.LIMITATIONS)
