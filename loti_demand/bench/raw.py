"""The raw lines as an analyst would load them, for the comparison engines: pandas (read every CSV, parse dates
and amounts, classify each distinct text with the project's taxonomy) and SQLite (the same rows inserted with
executemany into a file database, with the indexes a Datasette user would add for facets).

Nothing here reads the warehouse: both engines start from the generated files.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from loti_demand.bench.generate import HEADERS
from loti_demand.normalise.challenges import ChallengeRules, validate_challenge
from loti_demand.normalise.supplier_resolution import Published, resolve
from loti_demand.normalise.suppliers import is_redacted, supplier_key
from loti_demand.normalise.taxonomy import Classifier, award_evidence
from loti_demand.reference import Reference

SPEND_COLUMNS = ("borough_code", "payment_date", "payment_month", "amount_gbp", "supplier_name", "is_redacted",
                 "expenditure_category", "service_area", "purpose", "proclass_code", "proclass_label",
                 "tech_category", "source_file", "supplier_id")
# Each layout's columns -> the names used below.
RENAMES = {
    "lga": {"OrganisationalUnit": "service_area", "BeneficiaryName": "supplier_name", "PaymentDate": "payment_date",
            "Amount": "amount_gbp", "Purpose": "purpose", "ProclassLabel": "proclass_label",
            "ProclassCode": "proclass_code"},
    "preamble": {"Department": "service_area", "Supplier Name": "supplier_name",
                 "Invoice Creation Date": "payment_date", "Invoice Nett Amount": "amount_gbp",
                 "Subj Description": "expenditure_category"},
    "bom": {"Expense area": "service_area", "Supplier name": "supplier_name", "Date": "payment_date",
            "Amount": "amount_gbp", "Expense type": "expenditure_category"},
}
DATE_FORMATS = {"lga": "%Y-%m-%d", "preamble": "%d/%m/%Y", "bom": "%d/%m/%Y"}
LONDON_GSS = re.compile(r"E090000(0[1-9]|[12]\d|3[0-3])")


@dataclass
class Raw:
    """The pandas side: payment lines, OCDS releases (one row each), the taxonomy's categories, challenges, the
    boroughs (reference list) and the suppliers the payees' spellings resolve to."""

    spend: pd.DataFrame
    releases: pd.DataFrame
    processes: pd.DataFrame  # the releases compiled per process, once, as an analyst would before asking
    tech_categories: pd.DataFrame
    challenges: pd.DataFrame  # challenge_id, status, tech_category, opens_on (valid statements only)
    boroughs: pd.DataFrame
    suppliers: pd.DataFrame  # supplier_id, canonical_name
    challenge_boroughs: pd.DataFrame  # challenge_id, borough_code


def sniff_layout(head: bytes) -> tuple[str, int]:
    """(layout, lines before the header) from a file's first bytes."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "bom", 0
    lines = head.decode("utf-8", "replace").splitlines()
    if lines and lines[0].startswith("OrganisationLabel"):
        return "lga", 0
    return "preamble", next(i for i, line in enumerate(lines) if line.startswith("Body,Department"))


def _read_file(path: Path) -> tuple[str, pd.DataFrame]:
    with path.open("rb") as fh:
        layout, skip = sniff_layout(fh.read(2048))
    columns = [c for c in HEADERS[layout] if c.strip() in RENAMES[layout]]
    return layout, pd.read_csv(path, dtype=str, skiprows=skip, usecols=columns, encoding="utf-8-sig",
                               keep_default_na=False, na_values=[""])


def read_spend(data_dir: Path, classifier: Classifier, ref: Reference, awards: dict | None = None,
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every payment line of every spend file: dates and amounts parsed, tech category from the taxonomy (and the
    suppliers' contract awards), payee resolved to a supplier; and the suppliers (supplier_id, canonical_name)."""
    by_layout: dict[str, list[tuple[Path, pd.DataFrame]]] = {}
    for path in sorted((data_dir / "spend").glob("*/*.csv")):
        layout, frame = _read_file(path)
        by_layout.setdefault(layout, []).append((path, frame))
    parts = []
    for layout, files in by_layout.items():
        frame = pd.concat([f for _, f in files], ignore_index=True)
        frame = frame.rename(columns={c: RENAMES[layout][c.strip()] for c in frame.columns})
        lengths = [len(f) for _, f in files]
        names = [str(p.relative_to(data_dir)) for p, _ in files]
        frame["source_file"] = pd.Categorical.from_codes(np.repeat(np.arange(len(files)), lengths), names)
        frame["borough_code"] = np.repeat([p.parent.name for p, _ in files], lengths)
        frame = frame[frame["payment_date"].notna()].copy()  # the BOM layout's blank and grand-total rows
        frame["payment_date"] = pd.to_datetime(frame["payment_date"], format=DATE_FORMATS[layout])
        amount = frame["amount_gbp"].str.strip().str.replace(",", "", regex=False)
        frame["amount_gbp"] = amount.astype("float64")
        parts.append(frame)
    spend = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(SPEND_COLUMNS))
    for column in SPEND_COLUMNS:
        if column not in spend:
            spend[column] = pd.Series(pd.NA, index=spend.index, dtype="str")
    spend["payment_month"] = spend["payment_date"].values.astype("datetime64[M]").astype("datetime64[us]")
    names = pd.Series(spend["supplier_name"].dropna().unique())
    withheld = names[names.map(is_redacted).astype(bool)]
    spend["is_redacted"] = spend["supplier_name"].isin(withheld)
    spend.loc[spend["is_redacted"], "supplier_name"] = pd.NA
    resolved = resolve_suppliers(spend, ref).set_index("supplier_name")
    spend["supplier_id"] = spend["supplier_name"].map(resolved["supplier_id"]).astype("str")
    spend["tech_category"] = classify(spend, classifier, resolved["canonical_name"], awards or {})
    spend["borough_code"] = spend["borough_code"].astype("category")
    suppliers = resolved.drop_duplicates("supplier_id")[["supplier_id", "canonical_name"]].reset_index(drop=True)
    return spend[list(SPEND_COLUMNS)], suppliers


def resolve_suppliers(spend: pd.DataFrame, ref: Reference) -> pd.DataFrame:
    """Each distinct payee spelling resolved once with the project's resolver and the officers' overrides (the
    generated files carry no supplier identifiers, so names and line counts are all it uses): supplier_id and
    canonical_name by name."""
    from loti_demand.warehouse.enrich import load_overrides

    counts = spend["supplier_name"].value_counts()
    overrides = load_overrides(ref.folder)
    matches = resolve((Published(str(name), int(lines)) for name, lines in counts.items()), overrides)
    return pd.DataFrame([(m.supplier_name, m.supplier_id, m.canonical_name) for m in matches],
                        columns=["supplier_name", "supplier_id", "canonical_name"])


TEXT_KEYS = ["expenditure_category", "purpose", "proclass_code", "proclass_label"]


def _text_args(row: tuple) -> list[str | None]:
    return [None if pd.isna(v) else v for v in row]


def classify(spend: pd.DataFrame, classifier: Classifier, canonical: pd.Series, awards: dict) -> pd.Series:
    """Each line's tech category by the spend mart's rule, asked as few times as possible: the text (category,
    purpose, ProClass) once per distinct text; the supplier once per distinct payee spelling (by its spelling or
    its resolved canonical name). A staffing agency is never tech; else the text's category wins, except that a
    supplier known for a specific category refines a text that says only 'ict_other'; the supplier's category counts
    only when the text says nothing and no exclusion rule matched it."""
    texts = spend[TEXT_KEYS].drop_duplicates().reset_index(drop=True)
    asked = [classifier.classify_spend_text(*_text_args(row)) for row in texts.itertuples(index=False, name=None)]
    texts["by_text"] = [tech for tech, _, _ in asked]
    texts["excluded"] = [bool(excluded) for _, _, excluded in asked]
    lines = spend[TEXT_KEYS].merge(texts, on=TEXT_KEYS, how="left")
    names = spend["supplier_name"].dropna().unique()
    by_name = {name: _supplier_category(classifier, awards, name, canonical.get(name)) for name in names}
    by_supplier = spend["supplier_name"].map(by_name).to_numpy(dtype=object, na_value=None)
    agency = by_supplier == EXCLUDED
    by_text = lines["by_text"].to_numpy(dtype=object, na_value=None)
    excluded = lines["excluded"].to_numpy(dtype=bool)
    refined = (by_text == "ict_other") & pd.notna(by_supplier) & (by_supplier != "ict_other")
    tech = np.where(agency, None, np.where(refined, by_supplier, np.where(pd.notna(by_text), by_text,
                                                                          np.where(excluded, None, by_supplier))))
    return pd.Series(tech, index=spend.index, dtype="str")


EXCLUDED = "excluded"


def _supplier_category(classifier: Classifier, awards: dict, name: str, canonical: str | None) -> str | None:
    """The supplier's category as the build finds it: the kept list, else its contract awards, else a name signal;
    EXCLUDED for a staffing agency."""
    found = classifier.classify_supplier(name, canonical)
    if found.excluded:
        return EXCLUDED
    if found.method != "supplier list" and not found.excluded:
        found = awards.get(supplier_key(name)) or awards.get(supplier_key(canonical)) or found
    return found.tech_category


STAGES = ("planning", "tender", "award", "contract")
# The analyst's reading of a release's tag: its stage and the notice it is (a planning release with an
# engagement milestone is a market engagement notice).
TAG_STAGE = {"planning": 0, "tender": 1, "award": 2, "contract": 3}
TAG_NOTICE = {"tender": "UK4 tender", "award": "award", "contract": "contract"}
FTS_NOTICE_URL = "https://www.find-tender.service.gov.uk/Notice/"
RELEASE_COLUMNS = ["ocid", "release_id", "release_date", "stage_rank", "notice_type", "buyer_name", "borough_code",
                   "is_london", "title", "cpv", "tender_status", "value_gbp", "award_value_gbp", "supplier_names",
                   "engagement_due", "tender_start", "tender_end", "contract_start", "contract_end"]
DATE_COLUMNS = ("engagement_due", "tender_start", "tender_end", "contract_start", "contract_end")


def _release_row(release: dict) -> tuple:
    tender, buyer = release.get("tender") or {}, release.get("buyer") or {}
    tag = (release.get("tag") or [""])[-1]
    milestones = (release.get("planning") or {}).get("milestones") or []
    due = [m["dueDate"] for m in milestones if m.get("type") == "engagement" and m.get("dueDate")]
    awards = release.get("awards") or []
    periods = [a["contractPeriod"] for a in awards if a.get("contractPeriod")]
    code = LONDON_GSS.search(str(buyer.get("id") or ""))
    region = str((buyer.get("address") or {}).get("region") or "").upper()
    notice = TAG_NOTICE.get(tag) or ("UK2 engagement" if tag == "planning" and due else None)
    return (release.get("ocid"), release.get("id"), release.get("date"), TAG_STAGE.get(tag, 0), notice,
            buyer.get("name"), code.group(0) if code else None, bool(code) or region.startswith("UKI"),
            tender.get("title"), (tender.get("classification") or {}).get("id"), tender.get("status"),
            (tender.get("value") or {}).get("amount"),
            sum(a["value"]["amount"] for a in awards if a.get("value")) if awards else None,
            "; ".join(sorted({s["name"] for a in awards for s in a.get("suppliers") or []})) or None,
            max(due) if due else None, (tender.get("tenderPeriod") or {}).get("startDate"),
            (tender.get("tenderPeriod") or {}).get("endDate"), min((p["startDate"] for p in periods), default=None),
            max((p["endDate"] for p in periods), default=None))


def read_releases(data_dir: Path, classifier: Classifier) -> pd.DataFrame:
    """One row per OCDS release with the fields the questions use, in process and date order; the tech category
    from the taxonomy's CPV rules, looked up once per distinct code."""
    rows = [_release_row(release) for path in sorted((data_dir / "procurement").glob("*.json"))
            for release in json.loads(path.read_text(encoding="utf-8")).get("releases", [])]
    frame = pd.DataFrame(rows, columns=RELEASE_COLUMNS)
    frame["release_date"] = pd.to_datetime(frame["release_date"], utc=True).dt.tz_localize(None)
    for column in DATE_COLUMNS:
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_localize(None).dt.normalize()
    for column in ("value_gbp", "award_value_gbp"):
        frame[column] = frame[column].astype("float64")
    categories = {cpv: classifier.classify_cpv(cpv)[0] for cpv in frame["cpv"].dropna().unique()}
    frame["tech_category"] = frame["cpv"].map(categories).astype("str")
    return frame.sort_values(["ocid", "release_date"], kind="stable").reset_index(drop=True)


def compile_processes(releases: pd.DataFrame) -> pd.DataFrame:
    """Each process's latest state: its furthest stage, and each field's latest published value."""
    latest = [c for c in RELEASE_COLUMNS if c not in ("ocid", "stage_rank", "engagement_due")] + ["tech_category"]
    grouped = releases.groupby("ocid", sort=False)
    out = grouped[latest].last().join(grouped.agg(stage_rank=("stage_rank", "max"),
                                                  engagement_due=("engagement_due", "max"))).reset_index()
    out["stage"] = np.array(STAGES)[out["stage_rank"].to_numpy()]
    planned = out["tender_status"].isin(["planning", "planned"]) & out["tender_start"].notna()
    out["expected_market_date"] = out["tender_start"].where(planned, out["engagement_due"])
    out["url"] = FTS_NOTICE_URL + out["release_id"]
    out["is_sme_suitable"] = None
    out["is_london"] = out["is_london"].astype(bool)
    return out


# The same compile in SQL, for SQLite: latest row's status, notice and id; the furthest stage; the (repeated)
# values of the other fields.
SQLITE_PROCESSES = """
create table processes as
with numbered as (
    select *, row_number() over (partition by ocid order by release_date desc, seq desc) as newest from releases
),
compiled as (
    select
        ocid, max(stage_rank) as stage_rank, max(case when newest = 1 then notice_type end) as notice_type,
        max(buyer_name) as buyer_name, max(borough_code) as borough_code, max(is_london) as is_london,
        max(title) as title, max(tech_category) as tech_category,
        max(case when newest = 1 then tender_status end) as tender_status,
        max(value_gbp) as value_gbp, max(award_value_gbp) as award_value_gbp,
        max(supplier_names) as supplier_names, max(engagement_due) as engagement_due,
        max(tender_start) as tender_start, max(tender_end) as tender_end,
        max(contract_start) as contract_start, max(contract_end) as contract_end,
        max(case when newest = 1 then release_id end) as release_id
    from numbered group by ocid
)
select
    *,
    case stage_rank when 0 then 'planning' when 1 then 'tender' when 2 then 'award' else 'contract' end as stage,
    case when tender_status in ('planning', 'planned') and tender_start is not null then tender_start
        else engagement_due end as expected_market_date,
    'https://www.find-tender.service.gov.uk/Notice/' || release_id as url,
    null as is_sme_suitable
from compiled;

-- The demand_items mart's rules (confidence, dating, the re-procurement lead time, value bands) as a view, so
-- each question recomputes them from the processes. Months are shifted with the day clamped to the month's end,
-- as DuckDB does (SQLite's own date(x, '-6 months') runs over into the next month).
create view demand_items as
with classified as (
    select
        p.*, p.tender_status as status,
        case
            when coalesce(p.tender_status, '') in ('cancelled', 'withdrawn', 'unsuccessful') then null
            when p.stage in ('award', 'contract') or p.notice_type in ('award', 'contract')
                or p.award_value_gbp is not null or p.supplier_names is not null
                then 'inferred from contract end date'
            when p.stage in ('planning', 'tender') and coalesce(p.tender_status, '') <> 'complete'
                then 'statutory notice'
        end as confidence,
        coalesce(p.notice_type in ('UK1 pipeline', 'UK2 engagement', 'UK3 planned')
            or p.tender_status in ('planning', 'planned') or p.stage = 'planning', 0) as is_planning_notice
    from processes as p
    where p.is_london
),
dated as (
    select *,
        case when confidence = 'inferred from contract end date' then coalesce(award_value_gbp, value_gbp)
            else value_gbp end as item_value_gbp,
        case
            when confidence = 'inferred from contract end date' then null
            when is_planning_notice then coalesce(expected_market_date, tender_start, tender_end)
            else coalesce(tender_end, tender_start, expected_market_date)
        end as notice_date,
        case
            when confidence = 'inferred from contract end date' then null
            when is_planning_notice and expected_market_date is not null then 'expected market date'
            when is_planning_notice and tender_start is not null then 'planned tender start'
            when tender_end is not null then 'tender deadline'
            when tender_start is not null then 'tender start'
            when expected_market_date is not null then 'expected market date'
        end as notice_date_basis
    from classified
    where confidence is not null
),
ruled as (
    select *,
        case when confidence <> 'inferred from contract end date' then null when item_value_gbp >= 2000000 then 12
            else 6 end as lead_months
    from dated
)
select
    r.ocid, r.borough_code, coalesce(b.borough_name, 'London-wide body') as area_name, r.buyer_name, r.title,
    r.tech_category, r.notice_type, r.stage, r.status, r.confidence,
    case when r.lead_months is not null and r.contract_end is not null
        then 'contract end minus ' || r.lead_months || ' months' else r.notice_date_basis end as date_basis,
    r.lead_months,
    case when r.lead_months is not null then min(
            date(r.contract_end, 'start of month', '-' || r.lead_months || ' months',
                 '+' || (cast(strftime('%d', r.contract_end) as integer) - 1) || ' days'),
            date(r.contract_end, 'start of month', '-' || r.lead_months || ' months', '+1 month', '-1 day'))
        else r.notice_date end as expected_date,
    case when r.lead_months is not null then r.contract_end else r.notice_date end as due_until,
    r.contract_start, r.contract_end, r.supplier_names, round(r.item_value_gbp, 2) as value_gbp,
    case
        when r.item_value_gbp is null then 'unknown'
        when r.item_value_gbp < 100000 then 'under_100k'
        when r.item_value_gbp < 500000 then '100k_500k'
        when r.item_value_gbp < 2000000 then '500k_2m'
        when r.item_value_gbp < 10000000 then '2m_10m'
        else '10m_plus'
    end as value_band,
    r.is_sme_suitable,
    case when r.url like 'http://%' or r.url like 'https://%' then r.url end as url
from ruled as r
left join boroughs as b on r.borough_code = b.borough_code;
"""


def read_challenges(data_dir: Path, ref: Reference) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The valid challenge statements (the project's row rules name their boroughs) and their boroughs. The
    bench's challenge file is one publisher's, so a later file replacing an id does not arise."""
    files = sorted((data_dir / "challenges").glob("*.csv")) if (data_dir / "challenges").is_dir() else []
    rules = ChallengeRules.from_reference(ref)
    statements, boroughs = [], []
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                result = validate_challenge(row, rules)
                if result.is_valid:
                    cid = result.row["id"]
                    statements.append((cid, result.row["status"], result.row["tech_category"] or None,
                                       result.row["opens_on"] or None))
                    boroughs.extend((cid, code) for code in result.borough_codes)
    challenges = pd.DataFrame(statements, columns=["challenge_id", "status", "tech_category", "opens_on"])
    challenges["opens_on"] = pd.to_datetime(challenges["opens_on"])
    return challenges, pd.DataFrame(boroughs, columns=["challenge_id", "borough_code"])


def load_raw(data_dir: Path, reference: Reference | None = None) -> Raw:
    ref = reference or Reference()
    categories = pd.DataFrame(ref.table("tech_categories"))[["tech_category", "label", "sort_order"]]
    categories["sort_order"] = categories["sort_order"].astype(int)
    boroughs = pd.DataFrame(ref.table("boroughs"))[BOROUGH_COLUMNS]
    for column in BOROUGH_COLUMNS[2:]:
        boroughs[column] = boroughs[column].astype(int)
    classifier = Classifier.from_reference(ref)
    releases = read_releases(data_dir, classifier)
    processes = compile_processes(releases)
    awarded = processes[processes["supplier_names"].notna()]
    awards = award_evidence(zip(awarded["ocid"], awarded["title"], awarded["cpv"], awarded["tech_category"],
                                awarded["award_value_gbp"].fillna(awarded["value_gbp"]),
                                awarded["supplier_names"].str.split("; "), strict=True))
    spend, suppliers = read_spend(data_dir, classifier, ref, awards)
    challenges, challenge_boroughs = read_challenges(data_dir, ref)
    return Raw(spend, releases, processes, categories, challenges, boroughs, suppliers, challenge_boroughs)


BOROUGH_COLUMNS = ["borough_code", "borough_name", "population", "population_year", "tile_col", "tile_row"]


# --- SQLite -------------------------------------------------------------------------------------------------

SQLITE_SCHEMA = """
create table spend (borough_code text, payment_date text, payment_month text, amount_gbp real,
    supplier_name text, is_redacted integer, expenditure_category text, service_area text, purpose text,
    proclass_code text, proclass_label text, tech_category text, source_file text, supplier_id text);
create table releases (seq integer, ocid text, release_id text, release_date text, stage_rank integer,
    notice_type text, buyer_name text, borough_code text, is_london integer, title text, cpv text, tender_status text,
    value_gbp real, award_value_gbp real, supplier_names text, engagement_due text, tender_start text,
    tender_end text, contract_start text, contract_end text, tech_category text);
create table tech_categories (tech_category text, label text, sort_order integer);
create table challenges (challenge_id text, status text, tech_category text, opens_on text);
create table challenge_boroughs (challenge_id text, borough_code text);
create table boroughs (borough_code text, borough_name text, population integer, population_year integer,
    tile_col integer, tile_row integer);
create table suppliers (supplier_id text, canonical_name text);
"""
# What a Datasette user adds for the facets they click on (borough, category) plus the process key.
SQLITE_INDEXES = """
create index spend_borough on spend (borough_code);
create index spend_category on spend (expenditure_category);
create index spend_tech_category on spend (tech_category);
create index releases_ocid on releases (ocid);
"""
CHUNK = 200_000


def _sqlite_values(frame: pd.DataFrame) -> list[list]:
    """Columns as Python lists, dates as ISO text, missing values as None."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            text = np.datetime_as_string(series.to_numpy().astype("datetime64[D]"))
            values = np.where(series.isna().to_numpy(), None, text).tolist()
        elif pd.api.types.is_bool_dtype(series):
            values = series.astype(int).tolist()
        else:
            values = series.astype(object).where(series.notna(), None).tolist()
        columns.append(values)
    return columns


def _insert(con: sqlite3.Connection, table: str, frame: pd.DataFrame) -> None:
    marks = ", ".join("?" * len(frame.columns))
    for start in range(0, len(frame), CHUNK):
        columns = _sqlite_values(frame.iloc[start:start + CHUNK])
        con.executemany(f"insert into {table} values ({marks})", zip(*columns, strict=True))


def load_sqlite(raw: Raw, path: Path) -> sqlite3.Connection:
    """A file database with the raw lines and the indexes; returns a connection to it."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.executescript("pragma journal_mode = off; pragma synchronous = off;" + SQLITE_SCHEMA)
    with con:
        _insert(con, "spend", raw.spend)
        _insert(con, "releases", raw.releases.reset_index(names="seq"))
        _insert(con, "tech_categories", raw.tech_categories)
        _insert(con, "challenges", raw.challenges)
        _insert(con, "challenge_boroughs", raw.challenge_boroughs)
        _insert(con, "boroughs", raw.boroughs)
        _insert(con, "suppliers", raw.suppliers)
    con.executescript(SQLITE_INDEXES + SQLITE_PROCESSES + "analyze;")
    return con
