"""The raw lines as an analyst would load them, for the comparison engines: pandas (read every CSV, parse dates
and amounts, classify each distinct text with the project's taxonomy) and SQLite (the same rows inserted with
executemany into a file database, with the indexes a Datasette user would add for facets).

Nothing here reads the warehouse: both engines start from the generated files.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from loti_demand.bench.generate import HEADERS
from loti_demand.normalise.suppliers import is_redacted
from loti_demand.normalise.taxonomy import Classifier
from loti_demand.reference import Reference

SPEND_COLUMNS = ("borough_code", "payment_date", "payment_month", "amount_gbp", "supplier_name", "is_redacted",
                 "expenditure_category", "service_area", "purpose", "proclass_code", "proclass_label",
                 "tech_category", "source_file")
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
    """The pandas side: payment lines, OCDS releases (one row each), the taxonomy's categories, challenges."""

    spend: pd.DataFrame
    releases: pd.DataFrame
    tech_categories: pd.DataFrame
    challenges: pd.DataFrame


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


def read_spend(data_dir: Path, classifier: Classifier) -> pd.DataFrame:
    """Every payment line of every spend file: dates and amounts parsed, tech category from the taxonomy."""
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
    spend["tech_category"] = classify(spend, classifier)
    spend["borough_code"] = spend["borough_code"].astype("category")
    return spend[list(SPEND_COLUMNS)]


def classify(spend: pd.DataFrame, classifier: Classifier) -> pd.Series:
    """The tech category of each line, classifying each distinct (category, purpose, ProClass) text once."""
    keys = ["expenditure_category", "purpose", "proclass_code", "proclass_label"]
    distinct = spend[keys].drop_duplicates().reset_index(drop=True)
    distinct["tech_category"] = [
        classifier.classify_spend(*(None if pd.isna(v) else v for v in row))[0]
        for row in distinct.itertuples(index=False, name=None)
    ]
    merged = spend[keys].merge(distinct, on=keys, how="left")
    return pd.Series(merged["tech_category"].to_numpy(), index=spend.index, dtype="str")


def _first_due(release: dict) -> str | None:
    dates = [m.get("dueDate") for m in (release.get("planning") or {}).get("milestones") or [] if m.get("dueDate")]
    return min(dates) if dates else None


def read_releases(data_dir: Path) -> pd.DataFrame:
    """One row per OCDS release with the fields the questions use, sorted by process and date."""
    rows = []
    for path in sorted((data_dir / "procurement").glob("*.json")):
        for release in json.loads(path.read_text(encoding="utf-8")).get("releases", []):
            tender, buyer = release.get("tender") or {}, release.get("buyer") or {}
            period = tender.get("tenderPeriod") or {}
            region = str((buyer.get("address") or {}).get("region") or "")
            rows.append((release.get("ocid"), release.get("date"), bool(release.get("awards")), _first_due(release),
                         period.get("startDate"), period.get("endDate"), (tender.get("value") or {}).get("amount"),
                         bool(LONDON_GSS.search(str(buyer.get("id") or ""))) or region.upper().startswith("UKI")))
    frame = pd.DataFrame(rows, columns=["ocid", "release_date", "has_award", "milestone_due", "tender_start",
                                        "tender_end", "value_gbp", "is_london"])
    for column in ("release_date", "milestone_due", "tender_start", "tender_end"):
        frame[column] = pd.to_datetime(frame[column], utc=True).dt.tz_localize(None).astype("datetime64[us]")
    frame["value_gbp"] = frame["value_gbp"].astype("float64")
    return frame.sort_values(["ocid", "release_date"], kind="stable").reset_index(drop=True)


def read_challenges(data_dir: Path) -> pd.DataFrame:
    files = sorted((data_dir / "challenges").glob("*.csv")) if (data_dir / "challenges").is_dir() else []
    frames = [pd.read_csv(path, dtype=str, usecols=["status"]) for path in files]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"status": pd.Series(dtype="str")})


def load_raw(data_dir: Path, reference: Reference | None = None) -> Raw:
    ref = reference or Reference()
    categories = pd.DataFrame(ref.table("tech_categories"))[["tech_category", "label", "sort_order"]]
    categories["sort_order"] = categories["sort_order"].astype(int)
    return Raw(read_spend(data_dir, Classifier(ref.table("tech_rules"))), read_releases(data_dir), categories,
               read_challenges(data_dir))


# --- SQLite -------------------------------------------------------------------------------------------------

SQLITE_SCHEMA = """
create table spend (borough_code text, payment_date text, payment_month text, amount_gbp real,
    supplier_name text, is_redacted integer, expenditure_category text, service_area text, purpose text,
    proclass_code text, proclass_label text, tech_category text, source_file text);
create table releases (ocid text, release_date text, has_award integer, milestone_due text, tender_start text,
    tender_end text, value_gbp real, is_london integer);
create table tech_categories (tech_category text, label text, sort_order integer);
create table challenges (status text);
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
        _insert(con, "releases", raw.releases)
        _insert(con, "tech_categories", raw.tech_categories)
        _insert(con, "challenges", raw.challenges)
    con.executescript(SQLITE_INDEXES + "analyze;")
    return con
