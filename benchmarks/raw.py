"""The raw payment lines as an analyst would load them, for the comparison engines: pandas (read every CSV, parse
dates and amounts, drop the lines a later file repeats, resolve payees and classify each distinct text and payee
with the project's library) and SQLite (the same rows inserted with executemany into a file database, with the
indexes a Datasette user would add for facets).

Nothing here reads the warehouse: both engines start from the generated files.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from loti_demand.normalise.line_columns import join_descriptions
from loti_demand.normalise.supplier_resolution import Published, resolve
from loti_demand.normalise.suppliers import is_redacted
from loti_demand.normalise.taxonomy import Classifier
from loti_demand.normalise.tech_decisions import TOO_BROAD_TO_REFINE, TextDecision, combine, refined_by_supplier
from loti_demand.reference import Reference
from loti_demand.sample.scale.files import HEADERS

SPEND_COLUMNS = (
    "borough_code",
    "payment_date",
    "payment_month",
    "amount_gbp",
    "supplier_name",
    "is_redacted",
    "expenditure_category",
    "service_area",
    "purpose",
    "proclass_code",
    "proclass_label",
    "tech_category",
    "source_file",
    "supplier_id",
)
# Each layout's columns -> the names used below.
RENAMES = {
    "lga": {
        "OrganisationalUnit": "service_area",
        "BeneficiaryName": "supplier_name",
        "PaymentDate": "payment_date",
        "TransactionNumber": "transaction_id",
        "Amount": "amount_gbp",
        "Purpose": "purpose",
        "ProclassLabel": "proclass_label",
        "ProclassCode": "proclass_code",
    },
    "preamble": {
        "Department": "service_area",
        "Supplier Name": "supplier_name",
        "Invoice Creation Date": "payment_date",
        "Invoice Nett Amount": "amount_gbp",
        "Subj Description": "expenditure_category",
    },
    "bom": {
        "Expense area": "service_area",
        "Supplier name": "supplier_name",
        "Date": "payment_date",
        "Transaction number": "transaction_id",
        "Amount": "amount_gbp",
        "Expense type": "expenditure_category",
    },
}
DATE_FORMATS = {"lga": "%Y-%m-%d", "preamble": "%d/%m/%Y", "bom": "%d/%m/%Y"}
TEXT_KEYS = ["expenditure_category", "purpose", "proclass_code", "proclass_label"]


@dataclass
class Raw:
    """The pandas side: payment lines, the taxonomy's categories, the boroughs (reference list) and the suppliers
    the payees' spellings resolve to."""

    spend: pd.DataFrame
    tech_categories: pd.DataFrame
    boroughs: pd.DataFrame
    suppliers: pd.DataFrame  # supplier_id, canonical_name


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
    return layout, pd.read_csv(
        path, dtype=str, skiprows=skip, usecols=columns, encoding="utf-8-sig", keep_default_na=False, na_values=[""]
    )


def _layout_lines(data_dir: Path, layout: str, files: list[tuple[Path, pd.DataFrame]]) -> pd.DataFrame:
    """One layout's files as one frame: renamed columns, provenance, parsed dates and amounts."""
    frame = pd.concat([f for _, f in files], ignore_index=True)
    frame = frame.rename(columns={c: RENAMES[layout][c.strip()] for c in frame.columns})
    lengths = [len(f) for _, f in files]
    names = [str(p.relative_to(data_dir)) for p, _ in files]
    frame["source_file"] = pd.Categorical.from_codes(np.repeat(np.arange(len(files)), lengths), names)
    frame["borough_code"] = np.repeat([p.parent.name for p, _ in files], lengths)
    frame = frame[frame["payment_date"].notna()].copy()  # the BOM layout's blank and grand-total rows
    frame["payment_date"] = pd.to_datetime(frame["payment_date"], format=DATE_FORMATS[layout])
    frame["amount_gbp"] = frame["amount_gbp"].str.strip().str.replace(",", "", regex=False).astype("float64")
    return frame


def repeated_from_earlier_files(spend: pd.DataFrame) -> pd.Series:
    """Lines whose every value is in a line of an earlier file (a re-exported overlap); copies within the first
    file holding them are separate payments."""
    keys = [c for c in spend.columns if c != "source_file"]
    repeated = pd.Series(False, index=spend.index)
    copies = spend[spend.duplicated(keys, keep=False)]
    first = copies.groupby(keys, dropna=False, observed=True, sort=False)["source_file"].transform("first")
    repeated[copies.index] = (copies["source_file"].astype(str) != first.astype(str)).to_numpy()
    return repeated


def read_spend(data_dir: Path, classifier: Classifier) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every payment line of every spend file, once: dates and amounts parsed, payee resolved to a supplier, tech
    category from the taxonomy; and the suppliers (supplier_id, canonical_name)."""
    by_layout: dict[str, list[tuple[Path, pd.DataFrame]]] = {}
    for path in sorted((data_dir / "spend").glob("*/*.csv")):
        layout, frame = _read_file(path)
        by_layout.setdefault(layout, []).append((path, frame))
    parts = [_layout_lines(data_dir, layout, files) for layout, files in by_layout.items()]
    spend = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(SPEND_COLUMNS))
    for column in SPEND_COLUMNS:
        if column not in spend:
            spend[column] = pd.Series(pd.NA, index=spend.index, dtype="str")
    resolved = resolve_suppliers(spend["supplier_name"].value_counts()).set_index("supplier_name")
    spend = spend[~repeated_from_earlier_files(spend)].reset_index(drop=True)
    spend["payment_month"] = spend["payment_date"].values.astype("datetime64[M]").astype("datetime64[us]")
    names = pd.Series(spend["supplier_name"].dropna().unique())
    withheld = names[names.map(is_redacted).astype(bool)]
    spend["is_redacted"] = spend["supplier_name"].isin(withheld)
    spend.loc[spend["is_redacted"], "supplier_name"] = pd.NA
    spend["supplier_id"] = spend["supplier_name"].map(resolved["supplier_id"]).astype("str")
    spend["tech_category"] = classify(spend, classifier, resolved["canonical_name"])
    spend["borough_code"] = spend["borough_code"].astype("category")
    suppliers = resolved.drop_duplicates("supplier_id")[["supplier_id", "canonical_name"]].reset_index(drop=True)
    return spend[list(SPEND_COLUMNS)], suppliers


def resolve_suppliers(counts: pd.Series) -> pd.DataFrame:
    """Each distinct payee spelling resolved once with the project's resolver, from the lines published under it
    (the generated files carry no supplier identifiers, so names and line counts are all it uses, and their
    fictional names match none of the officers' overrides): supplier_id and canonical_name by name."""
    matches = resolve(Published(str(name), int(lines)) for name, lines in counts.items())
    return pd.DataFrame(
        [(m.supplier_name, m.supplier_id, m.canonical_name) for m in matches],
        columns=["supplier_name", "supplier_id", "canonical_name"],
    )


def _text(value: object) -> str | None:
    return None if pd.isna(value) else value


def classify(spend: pd.DataFrame, classifier: Classifier, canonical: pd.Series) -> pd.Series:
    """Each line's tech category from the taxonomy's own decisions, each asked as few times as possible: what the
    text says once per distinct text, what the payee is once per spelling (with its canonical name), and the two
    combined once per pair that occurs, at the confidence the spend mart keeps (high or medium)."""
    texts = spend[TEXT_KEYS].drop_duplicates().reset_index(drop=True)
    said = [
        classifier.classify_line(
            join_descriptions(("expenditure category", _text(category)), ("purpose", _text(purpose))),
            _text(code),
            _text(label),
        )
        for category, purpose, code, label in texts.itertuples(index=False, name=None)
    ]
    line_text = spend[TEXT_KEYS].merge(texts.reset_index(names="text"), on=TEXT_KEYS, how="left")["text"]
    payees = spend["supplier_name"].dropna().unique()
    known = {name: classifier.classify_supplier(name, canonical.get(name)) for name in payees}
    nobody = classifier.classify_supplier()
    pairs = pd.DataFrame({"text": line_text.to_numpy(), "payee": spend["supplier_name"].to_numpy()})
    kinds = refining_kinds(pairs.assign(supplier=spend["supplier_id"], publisher=spend["borough_code"]), said)
    distinct = pairs.drop_duplicates()
    tech = []
    for text, payee in distinct.itertuples(index=False, name=None):
        supplier = known.get(payee, nobody) if isinstance(payee, str) else nobody
        category, _, confidence, _ = combine(said[text], supplier)
        # the spend mart's refinement of a line naming only IT in general or IT support, paid to a supplier on no
        # list, by the kind its other lines name (int_supplier_line_evidence.refining_category)
        kind = kinds.get(payee)
        if confidence == "high" and supplier.tech_category is None and category in TOO_BROAD_TO_REFINE:
            category = kind if refined_by_supplier(category, kind) else category
        tech.append(category if confidence in ("high", "medium") else None)
    distinct = distinct.assign(tech=tech)
    tech = pairs.merge(distinct, on=["text", "payee"], how="left")["tech"]
    return pd.Series(tech.to_numpy(), index=spend.index, dtype="str")


def refining_kinds(lines: pd.DataFrame, said: list[TextDecision]) -> dict[str, str]:
    """{payee: kind} where the supplier's lines whose own words name a kind of technology (not IT in general) name
    mostly one: more than half of them, at least 2, from 2 publishers or 2 reasons (int_supplier_line_evidence.sql).
    `lines` has each line's text (an index into `said`), payee, supplier and publisher."""
    worded = [
        d.tech_category
        if not d.silent and d.confidence == "high" and d.method in ("text", "proclass", "correction")
        else None
        for d in said
    ]
    rows = lines.assign(kind=[worded[t] for t in lines["text"]], reason=[said[t].reason for t in lines["text"]]).dropna(
        subset=["payee", "kind"]
    )
    rows = rows[rows["kind"] != "ict_other"]
    counts = rows.groupby(["supplier", "kind"]).agg(
        lines=("kind", "size"), publishers=("publisher", "nunique"), reasons=("reason", "nunique")
    )
    counts = counts.reset_index().sort_values(["supplier", "lines", "kind"], ascending=[True, False, True])
    counts["kind_lines"] = counts.groupby("supplier")["lines"].transform("sum")
    top = counts.drop_duplicates("supplier")
    top = top[
        (top["lines"] >= 2)
        & (2 * top["lines"] > top["kind_lines"])
        & ((top["publishers"] >= 2) | (top["reasons"] >= 2))
    ]
    by_supplier = dict(zip(top["supplier"], top["kind"], strict=True))
    return {
        p: by_supplier[s]
        for p, s in lines[["payee", "supplier"]].drop_duplicates().itertuples(index=False)
        if s in by_supplier
    }


BOROUGH_COLUMNS = ["borough_code", "borough_name", "population", "population_year", "tile_col", "tile_row"]


def load_raw(data_dir: Path, reference: Reference | None = None) -> Raw:
    ref = reference or Reference()
    categories = pd.DataFrame(ref.table("tech_categories"))[["tech_category", "label", "sort_order"]]
    categories["sort_order"] = categories["sort_order"].astype(int)
    boroughs = pd.DataFrame(ref.table("boroughs"))[BOROUGH_COLUMNS]
    for column in BOROUGH_COLUMNS[2:]:
        boroughs[column] = boroughs[column].astype(int)
    spend, suppliers = read_spend(data_dir, Classifier.from_reference(ref))
    return Raw(spend, categories, boroughs, suppliers)


# --- SQLite -------------------------------------------------------------------------------------------------

SQLITE_SCHEMA = """
create table spend (borough_code text, payment_date text, payment_month text, amount_gbp real,
    supplier_name text, is_redacted integer, expenditure_category text, service_area text, purpose text,
    proclass_code text, proclass_label text, tech_category text, source_file text, supplier_id text);
create table tech_categories (tech_category text, label text, sort_order integer);
create table boroughs (borough_code text, borough_name text, population integer, population_year integer,
    tile_col integer, tile_row integer);
create table suppliers (supplier_id text, canonical_name text);
"""
# What a Datasette user adds for the facets they click on (borough, category).
SQLITE_INDEXES = """
create index spend_borough on spend (borough_code);
create index spend_category on spend (expenditure_category);
create index spend_tech_category on spend (tech_category);
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
        columns = _sqlite_values(frame.iloc[start : start + CHUNK])
        con.executemany(f"insert into {table} values ({marks})", zip(*columns, strict=True))


def load_sqlite(raw: Raw, path: Path) -> sqlite3.Connection:
    """A file database with the raw lines and the indexes; returns a connection to it."""
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.executescript("pragma journal_mode = off; pragma synchronous = off;" + SQLITE_SCHEMA)
    with con:
        _insert(con, "spend", raw.spend)
        _insert(con, "tech_categories", raw.tech_categories)
        _insert(con, "boroughs", raw.boroughs)
        _insert(con, "suppliers", raw.suppliers)
    con.executescript(SQLITE_INDEXES + "analyze;")
    return con
