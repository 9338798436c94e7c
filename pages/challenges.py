"""Challenges: search the problems London boroughs invite innovators to solve, filter them, read one in full,
see which led to a procurement, and download the list. Filters live in the URL so a link reopens the view."""

import streamlit as st

from loti_demand import ui
from loti_demand.alerts import CLOSING_DAYS
from loti_demand.export import file_part, search_part

CLOSING = {d: f"{d} days" for d in CLOSING_DAYS}
area_name = ui.area().name  # the area the warehouse covers
ui.page_header(
    "Challenges",
    f"Problems {area_name} boroughs have asked innovators to help solve, from every borough that publishes them "
    "in the open challenge format. Search and filter the list, open a challenge to read it in full, and "
    "download what you see.",
)
facets = ui.facet_options("challenge_filter_options")
total = int(facets.get("total", {}).get("", 0))
if not total:
    st.info(
        "No challenge statements have been loaded yet. Boroughs can publish them with the template in "
        "data/reference/challenges_template.csv (see 'Publishing challenges' in docs/data-sources.md)."
    )
    st.stop()


today = ui.reference_date()
# Each choice is counted as the list would show it, with the other filters as they are set in this run.
now = ui.url_values(
    {
        "q": ("Search titles and statements", None),
        "closing": ("Closing within", CLOSING),
        **{
            key: (label, facets.get(kind, {}))
            for key, label, kind in (
                ("borough", "Borough", "borough"),
                ("theme", "Theme", "theme"),
                ("category", "Tech category", "tech_category"),
                ("status", "Status", "status"),
            )
        },
    }
)
facets = ui.facet_options(
    "challenge_filter_options",
    q=now["q"],
    borough=now["borough"],
    theme=now["theme"],
    tech_category=now["category"],
    status=now["status"],
    today=today,
    closing_within_days=int(now["closing"]) if now["closing"] else None,
)
search = ui.url_text(
    "Search titles and statements",
    key="q",
    help="Shows challenges containing every word you type, in any order and any form (sensor also "
    'finds sensors); put a phrase in quotes ("council homes"). Synonyms count: AI also finds '
    '"machine learning".',
)
# Rows of two, the category a row of its own: five in a row cut a chosen borough's or category's name off.
cols = st.columns(2)
with cols[0]:
    borough = ui.url_facet(
        "Borough",
        facets.get("borough", {}),
        key="borough",
        help="A challenge shared by several boroughs is listed under each of them.",
    )
with cols[1]:
    theme = ui.url_facet("Theme", facets.get("theme", {}), key="theme")
category = ui.url_facet(
    "Tech category",
    facets.get("tech_category", {}),
    key="category",
    help="Given by the borough, or inferred from the title and statement.",
)
cols = st.columns(2)
with cols[0]:
    status = ui.url_facet("Status", facets.get("status", {}), key="status")
with cols[1]:
    closing = ui.url_facet(
        "Closing within",
        CLOSING,
        key="closing",
        help=f"Closing date from {ui.long_date(today)} to that many days later.",
        none_label="Any time",
    )
ui.ignored_params_notice()
searched = ui.search_query(search)
ui.search_note(searched, search)

found = ui.query(
    "challenges_list",
    q=search,
    borough=borough,
    theme=theme,
    tech_category=category,
    status=status,
    closing_within_days=int(closing) if closing else None,
    today=today,
)
ui.alert_downloads("challenges", found, key="challenges_alerts")
named = int((found["led_to_procurement"] == "Named by the borough").sum())
suggested = int((found["led_to_procurement"] == "Suggested (unconfirmed)").sum())
st.header(f"{len(found):,} of {total:,} challenges")
covered = ui.query("challenge_coverage").iloc[0]
opened = (
    f", opened from {covered['first_opened']:%B %Y} to {covered['last_opened']:%B %Y}"
    if not ui.is_missing(covered["first_opened"])
    else ""
)
st.caption(
    f"Statements set by {int(covered['boroughs_with_challenges'])} of the {int(covered['boroughs'])} boroughs"
    f"{opened}; a borough that has set none here may publish its problems elsewhere. Open and closing are as of "
    f"{today:%-d %B %Y}."
)
if not found.empty:
    st.write(
        f"{named + suggested} of these {len(found):,} challenges led to a procurement: {named} named by the "
        f"borough that set it, and {suggested} more suggested by matching procurement notices (not confirmed)."
    )
if found.empty:
    st.warning(
        "No challenges match this search and these filters. Remove a word or set a filter back to “All” to see more."
    )
    st.stop()
ui.table(
    found,
    [
        "challenge_id",
        "title",
        *(["search_match"] if searched else []),
        "borough_names",
        "theme",
        "tech_category_label",
        "status",
        "opens_on",
        "closes_on",
        "budget_gbp",
        "led_to_procurement",
        "url",
    ],
    key="challenges_table",
    name="challenges",
    filters=(
        search_part(search),
        *(file_part(value) for value in (borough, theme, category, status)),
        f"closing-within-{closing}-days" if closing else None,
    ),
)

st.header("Read a challenge in full")
chosen = ui.url_facet(
    "Challenge",
    dict(zip(found["challenge_id"], found["title"], strict=True)),
    key="challenge",
    none_label="Choose a challenge from the list",
)
if chosen:
    detail = ui.query("challenge_detail", challenge_id=chosen).iloc[0]
    st.subheader(ui.plain(detail["title"]), anchor=False)
    st.markdown(ui.highlighted(detail["statement"], searched))
    category_text = (
        f"{detail['tech_category_label']} ({detail['tech_category_reason']})"
        if detail["tech_category_label"]
        else detail["tech_category_reason"]
    )
    ui.facts(
        {
            "Boroughs": detail["borough_names"],
            "Theme": detail["theme"],
            "Status": detail["status"],
            "Opens": ui.long_date(detail["opens_on"]),
            "Closes": ui.long_date(detail["closes_on"]),
            "Budget": None if ui.is_missing(detail["budget_gbp"]) else f"£{float(detail['budget_gbp']):,.2f}",
            "Tech category": category_text,
            "Contact": detail["contact"],
            "Challenge id": detail["challenge_id"],
        }
    )
    its_category = None if ui.is_missing(detail["tech_category"]) else detail["tech_category"]
    ui.borough_shortcuts(list(detail["borough_codes"]), category=its_category)
    if address := ui.web_url(detail["url"]):
        st.link_button("Read and respond on the publisher's website", address, icon=":material/open_in_new:")
    outcomes = ui.query("challenge_outcomes_for", challenge_id=chosen)
    st.markdown("#### Procurements that followed")
    if outcomes.empty:
        st.write(
            "None known: the borough has not named one, and no notice from the same borough and tech "
            "category published after the challenge opened has a similar text."
        )
    for row in outcomes.itertuples(index=False):
        kind = "Named by the borough" if row.match_type == "explicit" else "Suggested match (not confirmed)"
        title = ui.link(row.title if not ui.is_missing(row.title) else "title not known", row.url)
        reason = row.reason[:1].upper() + row.reason[1:]
        st.markdown(f"- **{kind}:** {title} ({ui.plain(row.ocid)}). {ui.plain(reason)}.")

ui.glossary("ocds", "notice_types")
