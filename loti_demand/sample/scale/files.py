"""The payment lines written in three council layouts, one CSV per borough-month, with Arrow's CSV writer."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from loti_demand.reference import Reference
from loti_demand.sample.council_csv_layouts import PREAMBLE_HEADER
from loti_demand.sample.scale.lines import TYPES, Tables, borough_lines, lines_per_file, month_start
from loti_demand.sample.scale.params import ScaledData, ScaleParams
from loti_demand.sample.scale.text import MONTHS, const, counter_text, date_text, join, money_text

LAYOUTS = ("lga", "preamble", "bom")


def _service(tables: Tables, lines: pa.Table) -> pa.Array:
    names, offsets, counts = tables.services
    kind = lines["kind"].to_numpy()
    return pc.take(names, offsets[kind] + lines["service"].to_numpy() % counts[kind])


def _label(tables: Tables, lines: pa.Table, borough: int) -> pa.Array:
    """Each borough files a type of spend under one of its usual labels."""
    labels, offsets = tables.labels
    kind = lines["kind"].to_numpy()
    per_type = np.array([len(t.labels) for t in TYPES])
    return pc.take(labels, offsets[kind] + (borough * 7 + kind * 3) % per_type[kind])


def _purpose(tables: Tables, lines: pa.Table) -> pa.Array:
    texts, base, stride, fills = tables.purposes
    kind, template = lines["kind"].to_numpy(), lines["template"].to_numpy()
    filler = lines["entity"].to_numpy() % fills[kind, template]
    return pc.take(texts, base[kind, template] + lines["month"].to_numpy() * stride[kind, template] + filler)


LGA_COLUMNS = (
    "OrganisationLabel",
    "OrganisationURI",
    "EffectiveDate",
    "OrganisationalUnit",
    "BeneficiaryName",
    "PaymentDate",
    "TransactionNumber",
    "Amount",
    "IrrecoverableVATAmount",
    "Purpose",
    "ProclassLabel",
    "ProclassCode",
)
PREAMBLE_COLUMNS = PREAMBLE_HEADER
BOM_COLUMNS = (
    "Body",
    "Name of Body",
    "Date",
    "Transaction number",
    " Amount ",
    "Supplier name",
    "Expense area",
    "Expense type",
)
HEADERS = {"lga": LGA_COLUMNS, "preamble": PREAMBLE_COLUMNS, "bom": BOM_COLUMNS}


def render(layout: str, tables: Tables, lines: pa.Table, borough: int, info: dict[str, str]) -> pa.Table:
    """The columns of one borough's files in its layout, in publication order."""
    n = lines.num_rows
    cents, dates = lines["cents"].to_numpy(), lines["date"].to_numpy()
    payee = pc.take(tables.names, lines["name"])
    code, name = info["borough_code"], info["borough_name"]
    counter = np.arange(1, n + 1)
    if layout == "lga":
        label, proclass = tables.proclass
        kind = lines["kind"]
        month_end = (dates.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
        columns = [
            const(f"London Borough of {name}", n),
            const(f"http://opendatacommunities.org/id/london-borough-council/{code}", n),
            date_text(month_end, "%Y-%m-%d"),
            pc.utf8_upper(_service(tables, lines)),
            payee,
            date_text(dates, "%Y-%m-%d"),
            join(code[-2:], counter_text(counter, 8)),
            money_text(cents, thousands=False),
            const("0.00", n),
            _purpose(tables, lines),
            pc.take(label, kind),
            pc.take(proclass, kind),
        ]
    elif layout == "preamble":
        columns = [
            const(name, n),
            _service(tables, lines),
            payee,
            date_text(dates, "%d/%m/%Y"),
            money_text(cents, thousands=True, whole_pounds_bare=True),
            pc.utf8_upper(_label(tables, lines, borough)),
        ]
    else:
        columns = [
            const(code, n),
            const(f"London Borough of {name}", n),
            date_text(dates, "%d/%m/%Y"),
            join("AP", counter_text(counter, 9)),
            join(" ", money_text(cents, thousands=True), " "),
            payee,
            _service(tables, lines),
            _label(tables, lines, borough),
        ]
    return pa.table(columns, names=list(HEADERS[layout]))


# --- Files -------------------------------------------------------------------------------------------------

CSV_OPTIONS = pacsv.WriteOptions(quoting_style="needed", quoting_header="none")


def file_name(layout: str, month: int, slug: str) -> str:
    start = month_start(month)
    return {
        "lga": f"{slug}-spend-{start:%Y-%m}.csv",
        "preamble": f"invoices-over-500-{start:%Y-%m}.csv",
        "bom": f"SpendingOver500_{start:%Y%m}.csv",
    }[layout]


def file_bytes(layout: str, table: pa.Table, month: int, name: str, cents: np.ndarray) -> bytes:
    sink = io.BytesIO()
    pacsv.write_csv(table, sink, CSV_OPTIONS)
    body = sink.getvalue()
    width = table.num_columns
    if layout == "preamble":
        start = month_start(month)
        lines = [
            f"{name} Invoices Over Specified Nett Amount",
            "",
            f"Report Date: {start:%d/%m/%Y} 16:05:18",
            "",
            "Parameters:",
            f"Invoice Approval Date From: {start:%d-%b-%Y}".upper(),
            "Invoice Threshold Nett Amt: 500",
            "",
        ][: 6 + month % 3]
        return "".join(line + "," * (width - 1) + "\n" for line in lines).encode() + body
    if layout == "bom":
        total = int(cents.sum())
        total = f"{'-' if total < 0 else ''}{abs(total) // 100:,}.{abs(total) % 100:02d}"
        trailer = "," * (width - 1) + "\n" + f',,,," {total} "' + "," * (width - 5) + "\n"
        return b"\xef\xbb\xbf" + body + trailer.encode()
    return body


def write_spend(root: Path, params: ScaleParams, result: ScaledData) -> ScaledData:
    """Write the payment lines under root/spend/<GSS code>/, one file per borough-month; in the first borough of
    each layout, each March file starts with the last `params.repeated` lines of February's."""
    tables = Tables(params.seed)
    boroughs = Reference().boroughs
    counts = lines_per_file(params.lines, boroughs, params.months)
    for b, info in enumerate(boroughs):
        layout = LAYOUTS[b % len(LAYOUTS)]
        result.layout_of_borough[info["borough_code"]] = layout
        folder = root / "spend" / info["borough_code"]
        folder.mkdir(parents=True, exist_ok=True)
        if not counts[b].sum():
            continue
        data = borough_lines(tables, b, counts[b], params.seed)
        text = render(layout, tables, data, b, info)
        cents = data["cents"].to_numpy()
        slug = info["borough_name"].lower().replace(" ", "-")
        ends = np.cumsum(counts[b])
        for month, n in enumerate(counts[b]):
            if not n:
                continue
            start = int(ends[month]) - int(n)
            repeat = (
                min(params.repeated, int(counts[b][month - 1]))
                if b < len(LAYOUTS) and month and month_start(month).month == 3
                else 0
            )
            body = file_bytes(
                layout,
                text.slice(start - repeat, int(n) + repeat),
                month,
                info["borough_name"],
                cents[start - repeat : start + int(n)],
            )
            (folder / file_name(layout, month, slug)).write_bytes(body)
            result.files_by_layout[layout] = result.files_by_layout.get(layout, 0) + 1
            result.lines_by_layout[layout] = result.lines_by_layout.get(layout, 0) + int(n)
            result.repeated_lines += repeat
    return result


def write_one_file(
    path: Path, lines: int, *, borough_code: str = "E09000007", layout: str = "preamble", seed: int = 42
) -> None:
    """One borough's spend file of `lines` payment lines in one layout, all in the last month: a single large
    council export (the benchmark's ingest measurement reads it)."""
    boroughs = Reference().boroughs
    b, info = next((i, x) for i, x in enumerate(boroughs) if x["borough_code"] == borough_code)
    tables = Tables(seed)
    counts = np.zeros(MONTHS, dtype=np.int64)
    counts[-1] = lines
    data = borough_lines(tables, b, counts, seed)
    body = file_bytes(
        layout, render(layout, tables, data, b, info), MONTHS - 1, info["borough_name"], data["cents"].to_numpy()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
