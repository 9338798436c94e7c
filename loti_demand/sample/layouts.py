"""The layouts the sample is written in, one per council publication style, registered in LAYOUTS: the council
CSV layouts (council_csv_layouts), the Excel workbook (xlsx_layout) and the bodies' SAP exports (sap_layouts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from loti_demand.sample.council_csv_layouts import write_bom, write_cp1252, write_lga, write_preamble
from loti_demand.sample.layout_parts import OutputFile
from loti_demand.sample.sap_layouts import write_sap_gla, write_sap_tfl
from loti_demand.sample.spend import BoroughBook
from loti_demand.sample.xlsx_layout import write_xlsx


@dataclass(frozen=True)
class Layout:
    """A council publication style and the function that writes one financial year in it."""

    name: str
    description: str
    write: Callable[[BoroughBook, int], list[OutputFile]]


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout(
            "preamble",
            "CSV (UTF-8) report export with 6-9 preamble lines before the header "
            "(like Lambeth); amounts with thousands separators; no transaction numbers; one file per quarter",
            write_preamble,
        ),
        Layout(
            "lga",
            "LGA spend-data schema CSV (like Trafford) with ProClass codes, ISO dates, negative "
            "credit lines; one file per quarter, past years zipped for some boroughs",
            write_lga,
        ),
        Layout(
            "bom",
            "UTF-8 CSV with a byte-order mark (like Devon 2026): padded amounts, redacted "
            "individuals, blank trailing rows and an unlabelled grand-total row; one file per quarter",
            write_bom,
        ),
        Layout(
            "xlsx",
            "Excel workbook per financial year with a title row, Excel date cells and numeric amounts",
            write_xlsx,
        ),
        Layout(
            "cp1252",
            "CSV encoded Windows-1252, dates like 05-Apr-2024, amounts like £1,234.56 and "
            "credits like (£120.00); one file per quarter",
            write_cp1252,
        ),
        Layout(
            "sap-gla",
            "the GLA's SAP export (cp1252 CSV): a report preamble, an empty first column, Vendor ID, "
            "Vendor Name, a numeric Cost Element beside the Expenditure Account Code Description, Document No, "
            "amounts with credits in brackets, Clearing Date like 06 Feb  2024; one file per quarter",
            write_sap_gla,
        ),
        Layout(
            "sap-tfl",
            "TfL's SAP export (UTF-8 CSV): the paying company (Entity), Vendor Name, Expenditure "
            "Account, Document Number like 1004\\5100012345, ISO Clearing Date, and a card Merchant Category "
            "blank on most lines; one file per quarter",
            write_sap_tfl,
        ),
    )
}
