"""Hand-made broken inputs for every reader, shared by the fuzz tests (in-process and through the CLI).

Each case is (kind, file name, how to make it, expected): expected is "error" (the file must be refused with
a message naming it; `line` is the line the message must name, where one is meaningful) or "either" (it may
load, but then every line must be accounted for). The long-line cases are sparse files: 100 MiB (spend and
challenges, under their size limit) or 1 GiB (OCDS) long on paper, a few bytes on disk, refused by the line limit
after reading its first chunk; "gigabyte.csv" is refused by its size before any of it is read.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE = PROJECT / "data" / "sample"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "data"
GIB = 1 << 30

SPEND_HEADER = b"Date,Supplier Name,Amount,Expense Type,Transaction Number\r\n"
SPEND_ROW = b'01/05/2025,Northwind Cloud Ltd,"2,000.00",Hosting Services,X1\r\n'
CHALLENGE_HEADER = b"id,title,statement,boroughs,theme,status,opens_on,closes_on,budget_gbp,url\n"
CHALLENGE_ROW = b"CH-9,Find damp early,Sensors in homes,Camden,Housing,open,2025-03-01,2025-06-30,,\n"


def _sample_xlsx() -> bytes:
    return next((SAMPLE / "spend").glob("*/*.xlsx")).read_bytes()


def _ocds_package() -> bytes:
    return (FIXTURES / "procurement" / "ocds_release-package_camden.json").read_bytes()


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _damaged(data: bytes) -> bytes:
    """Flip the bits of 50 bytes of compressed data inside a ZIP member."""
    return data[:40] + bytes(b ^ 0x5A for b in data[40:90]) + data[90:]


def _sparse(prefix: bytes, size: int = GIB, suffix: bytes = b"") -> Callable[[Path], None]:
    """A file of `size` bytes whose middle is a hole (reads as NUL bytes, takes no disk space)."""

    def make(path: Path) -> None:
        with path.open("wb") as fh:
            fh.write(prefix)
            fh.truncate(size - len(suffix))
            fh.seek(size - len(suffix))
            fh.write(suffix)

    return make


def _long_line(prefix: bytes, filler: bytes, size: int, suffix: bytes = b"\n") -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with path.open("wb") as fh:
            fh.write(prefix)
            fh.write(filler * (size // len(filler)))
            fh.write(suffix)

    return make


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


@dataclass(frozen=True)
class Case:
    kind: str
    name: str
    make: Callable[[Path], None]
    expected: str = "error"
    line: int | None = None

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.name}"


_JUNK = bytes(range(256)) * 64
_DEEP = b"[" * 50_000 + b"]" * 50_000
_OCDS = _ocds_package() if (FIXTURES / "procurement").exists() else b"{}"

CASES: list[Case] = [
    # --- spend (CSV, XLSX, XLS, ODS, ZIP) ---
    Case("spend", "empty.csv", _bytes(b"")),
    Case("spend", "blank-lines.csv", _bytes(b"\r\n  \r\n\t\r\n")),
    Case("spend", "binary-junk.csv", _bytes(_JUNK)),
    Case("spend", "png-renamed.csv", _bytes(b"\x89PNG\r\n\x1a\n" + _JUNK)),
    Case("spend", "nul-in-row-3.csv", _bytes(SPEND_HEADER + SPEND_ROW + b"02/05/2025,Acme\x00Ltd,500,X,X2\r\n")),
    Case(
        "spend",
        "huge-field-after-60000-lines.csv",
        _bytes(SPEND_HEADER + SPEND_ROW * 60_000 + b'03/05/2025,"' + b"Note\n" * 30_000 + b'",1,X,X3\r\n'),
        line=60_002,
    ),
    Case("spend", "wide-unquoted-line.csv", _bytes(SPEND_HEADER + b"x" * 300_000 + b"\r\n" + SPEND_ROW), line=2),
    Case(
        "spend",
        "huge-quoted-field.csv",
        _bytes(SPEND_HEADER + SPEND_ROW + b'03/05/2025,"' + b"A very long note\n" * 9000 + b'",1,X,X3\r\n'),
        line=3,
    ),
    Case("spend", "two-mib-line.csv", _long_line(SPEND_HEADER + SPEND_ROW, b"x,", 2 << 20), line=3),
    Case("spend", "100mb-line.csv", _sparse(SPEND_HEADER + b"01/05/2025,", 100 << 20), line=2),
    Case("spend", "100mb-no-newline.csv", _sparse(b"Date,Supplier Name,Amount", 100 << 20), line=1),
    Case("spend", "gigabyte.csv", _sparse(SPEND_HEADER + SPEND_ROW, suffix=b"\r\n" + SPEND_ROW)),
    Case("spend", "utf16-with-bom.csv", _bytes((SPEND_HEADER + SPEND_ROW).decode().encode("utf-16")), "either"),
    Case("spend", "cp1252.csv", _bytes(SPEND_HEADER + SPEND_ROW.replace(b"Ltd", b"Lt\xe9e")), "either"),
    Case(
        "spend",
        "ragged-rows.csv",
        _bytes(SPEND_HEADER + b"01/05/2025,Acme\r\n" + SPEND_ROW + b"01/05/2025,A,1,B,C,D,E,F,G,H\r\n,,,,,,,,,,,,\r\n"),
        "either",
    ),
    Case(
        "spend", "unterminated-quote.csv", _bytes(SPEND_HEADER + SPEND_ROW + b'02/05/2025,"Acme,500,X,X2\r\n'), "either"
    ),
    Case("spend", "header-only.csv", _bytes(SPEND_HEADER), "either"),
    Case("spend", "no-header.csv", _bytes(b"hello,world\r\n1,2\r\n" * 80)),
    Case("spend", "truncated.xlsx", _bytes(_sample_xlsx()[:3000])),
    Case("spend", "zip-magic-junk.xlsx", _bytes(b"PK\x03\x04" + _JUNK)),
    Case("spend", "ole-magic-junk.xls", _bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _JUNK)),
    Case("spend", "truncated.ods", lambda path: path.write_bytes(_payments_ods()[:300])),
    Case("spend", "no-content.ods", lambda path: path.write_bytes(_payments_ods(content=None))),
    Case("spend", "damaged-xml.ods", lambda path: path.write_bytes(_payments_ods(content=b"<office:document-content"))),
    Case(
        "spend",
        "repeat-not-a-number.ods",
        lambda path: path.write_bytes(
            ods(
                {
                    "P": [
                        ods_row(ods_cell("Date"), ods_cell("Supplier Name"), ods_cell("Amount")),
                        ods_row(ods_cell("01/05/2025"), ods_cell("Acme"), ods_cell(5)).replace(
                            "<table:table-row>", '<table:table-row table:number-rows-repeated="many">'
                        ),
                    ]
                }
            )
        ),
    ),
    Case("spend", "truncated.zip", _bytes(zip_of({"a.csv": SPEND_HEADER + SPEND_ROW * 400})[:300])),
    Case("spend", "damaged-member.zip", _bytes(_damaged(zip_of({"a.csv": SPEND_HEADER + SPEND_ROW * 50})))),
    Case("spend", "empty.zip", _bytes(zip_of({}))),
    # --- procurement (OCDS JSON) ---
    Case("procurement", "empty.json", _bytes(b"")),
    Case("procurement", "binary-junk.json", _bytes(_JUNK)),
    Case("procurement", "truncated-package.json", _bytes(_OCDS[: len(_OCDS) // 2])),
    Case("procurement", "latin1.json", _bytes(b'{"releases": [{"ocid": "ocds-x-1", "title": "Caf\xe9"}]}')),
    Case("procurement", "deeply-nested.json", _bytes(_DEEP)),
    Case(
        "procurement",
        "deeply-nested-release.json",
        _bytes(
            b'{"releases": [{"ocid": "ocds-x-1", "id": "1", "date": "2025-01-01", "tender": '
            + b'{"a": ' * 20_000
            + b"1"
            + b"}" * 20_000
            + b"}]}"
        ),
    ),
    Case(
        "procurement",
        "bad-line-3.jsonl",
        _bytes(
            b'{"ocid": "ocds-x-1", "id": "1", "date": "2025-01-01"}\n'
            b'{"ocid": "ocds-x-2", "id": "2", "date": "2025-01-01"}\n'
            b'{"ocid": "ocds-x-3", "id": "3",, "date": "2025-01-01"}\n'
            b'{"ocid": "ocds-x-4", "id": "4", "date": "2025-01-01"}\n'
        ),
        line=3,
    ),
    # An unfinished record shows only on the next line; the publisher's bad line is still line 3.
    Case(
        "procurement",
        "unfinished-line-3.jsonl",
        _bytes(
            b'{"ocid": "ocds-x-1", "id": "1", "date": "2025-01-01"}\n'
            b'{"ocid": "ocds-x-2", "id": "2", "date": "2025-01-01"}\n'
            b'{"ocid": "ocds-x-3", "id": "3"\n'
            b'{"ocid": "ocds-x-4", "id": "4", "date": "2025-01-01"}\n'
        ),
        line=3,
    ),
    Case("procurement", "a-string.json", _bytes(b'"just a string"')),
    Case("procurement", "a-number.json", _bytes(b"42")),
    Case("procurement", "array-of-junk.json", _bytes(b'[1, "x", null, [], {"no": "ocid"}]'), "either"),
    Case("procurement", "releases-not-a-list.json", _bytes(b'{"releases": "x"}')),
    Case(
        "procurement",
        "wrong-types.json",
        _bytes(
            json.dumps(
                {
                    "releases": [
                        {
                            "ocid": 5,
                            "id": ["x"],
                            "date": {"y": 1},
                            "tag": 7,
                            "tender": "x",
                            "awards": {"a": 1},
                            "buyer": [1],
                            "parties": "p",
                            "contracts": [1, "c", None],
                        },
                        {
                            "ocid": "ocds-x-2",
                            "id": "2",
                            "date": "2025-13-45",
                            "tender": {"value": {"amount": "lots"}, "items": "none"},
                        },
                    ]
                }
            ).encode()
        ),
        "either",
    ),
    Case(
        "procurement",
        "raw-tab-and-nul-in-title.json",
        _bytes(
            b'{"releases": [{"ocid": "ocds-x-1", "id": "1", "date": "2025-01-01T00:00:00Z", '
            b'"tender": {"title": "Cloud\thosting\x00 and\nsupport"}}]}'
        ),
        "either",
    ),
    Case("procurement", "truncated.json.gz", _bytes(gzip.compress(_OCDS)[:200])),
    Case("procurement", "gigabyte-line.json", _sparse(b'{"releases": [{"ocid": "'), line=1),
    # --- challenges (CSV, JSON, XLSX) ---
    Case("challenges", "empty.csv", _bytes(b"")),
    Case("challenges", "binary-junk.csv", _bytes(_JUNK), "either"),
    Case("challenges", "nul-in-row-2.csv", _bytes(CHALLENGE_HEADER + b"CH-9,Damp\x00,x,Camden,H,open,,\n"), "either"),
    Case(
        "challenges",
        "huge-quoted-field.csv",
        _bytes(CHALLENGE_HEADER + b'CH-9,"' + b"Long text\n" * 15000 + b'",x,Camden,H,open,,\n'),
        line=2,
    ),
    Case("challenges", "100mb-line.csv", _sparse(CHALLENGE_HEADER + b"CH-9,", 100 << 20), line=2),
    Case(
        "challenges",
        "ragged.csv",
        _bytes(CHALLENGE_HEADER + b"CH-9,Damp\nCH-10,A,B,Camden,H,open,,,,,,,,,,\n" + CHALLENGE_ROW),
        "either",
    ),
    Case("challenges", "deeply-nested.json", _bytes(_DEEP)),
    Case("challenges", "not-json.json", _bytes(b"{'id': 1,")),
    Case("challenges", "wrong-shape.json", _bytes(b'{"challenges": 5}')),
    Case(
        "challenges",
        "wrong-types.json",
        _bytes(
            json.dumps(
                {
                    "challenges": [
                        1,
                        "x",
                        None,
                        {
                            "id": {"a": 1},
                            "title": ["t", 2],
                            "statement": 3.5,
                            "boroughs": {"b": "Camden"},
                            "status": True,
                            "opens_on": [],
                            "budget_gbp": {"x": 1},
                        },
                        {
                            "id": "CH-1",
                            "title": "T",
                            "statement": "S",
                            "boroughs": ["Camden", 7, None],
                            "status": "open",
                        },
                    ]
                }
            ).encode()
        ),
        "either",
    ),
    Case("challenges", "truncated.xlsx", _bytes(_sample_xlsx()[:3000])),
    Case("challenges", "zip-magic-junk.xlsx", _bytes(b"PK\x03\x04" + _JUNK)),
]


# --- hostile files for the input budgets (test_reliability_budgets.py): big on paper, small on disk ---------------


def deflate_repeated(prefix: bytes, block: bytes, times: int, suffix: bytes = b"") -> tuple[bytes, int, int]:
    """(raw deflate stream, CRC-32, size) of prefix + block * times + suffix, made in well under a second however
    large: after a full flush the compressor starts afresh, so the compressed form of a block repeats exactly."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = first + again * times + compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return body, zlib.crc32(suffix, crc), len(prefix) + len(block) * times + len(suffix)


def gzip_repeated(prefix: bytes, block: bytes, times: int, suffix: bytes = b"") -> bytes:
    body, crc, size = deflate_repeated(prefix, block, times, suffix)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff" + body + struct.pack("<II", crc, size & 0xFFFFFFFF)


def zip_repeated(member: str, prefix: bytes, block: bytes, times: int) -> bytes:
    """A ZIP of one deflated member (under 4 GiB) written by hand, so it needs no time to compress."""
    body, crc, size = deflate_repeated(prefix, block, times)
    name = member.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(body), size, len(name), 0) + name
    central = (
        struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(body), size, len(name), 0, 0, 0, 0, 0, 0
        )
        + name
    )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(body), 0)
    return local + body + central + end


def nested_zips(depth: int, member: str, data: bytes) -> bytes:
    """`member` inside `depth` archives, each the only member of the next (level1.zip holds level0.zip ...)."""
    data = zip_of({member: data})
    for level in range(1, depth):
        data = zip_of({f"level{level}.zip": data}, zipfile.ZIP_STORED)
    return data


def workbook(rows: list[list], title: str = "Payments", dimension: str | None = None) -> bytes:
    """An XLSX of `rows` (openpyxl writes formulas with no saved value); `dimension` replaces the size the sheet
    claims, as a hand-edited or hostile file may."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        r'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"', sheet_xml
    ).encode()
    return zip_of(parts)


def monthly_workbook(path: Path) -> Path:
    """A quarter's workbook as Peterborough and Lancashire's police commissioner publish them: a notes sheet, then a
    month on each sheet, each with its own layout; May's first line holds a formula Excel never calculated."""
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active["A1"] = "Payments over £500, one month on each sheet."
    april = book.create_sheet("Apr 2025")
    april.append(["Payment Date", "Supplier", "Net Amount", "Expense Type"])
    april.append([dt.datetime(2025, 4, 2), "Brightline Software Ltd", 12500.5, "Software Licences"])
    april.append([dt.datetime(2025, 4, 3), "Acme Ltd", 600, "Repairs"])
    may = book.create_sheet("May 2025")
    may.append(["Supplier Name", "Date", "Amount", "Description"])
    may.append(["Acme Ltd", dt.datetime(2025, 5, 6), "=1+1", "Repairs"])
    may.append(["Brightline Software Ltd", dt.datetime(2025, 5, 7), 700.25, "Software Licences"])
    book.save(path)
    return path


ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_cell(value: object = None, *, repeat: int = 1, formula: str | None = None, xml: str | None = None) -> str:
    """One <table:table-cell> as LibreOffice writes it: numbers with office:value, dates with office:date-value,
    text in <text:p>; `xml` gives the paragraph's inner XML as is (<text:s/> spaces)."""
    attrs = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    attrs += f' table:formula="{formula}"' if formula else ""
    if isinstance(value, bool):
        return f'<table:table-cell{attrs} office:value-type="boolean" office:boolean-value="{str(value).lower()}"/>'
    if isinstance(value, int | float):
        number = f'office:value-type="float" office:value="{value}"'
        return f"<table:table-cell{attrs} {number}><text:p>{value}</text:p></table:table-cell>"
    if isinstance(value, dt.date):
        return f'<table:table-cell{attrs} office:value-type="date" office:date-value="{value.isoformat()}T00:00:00"/>'
    if value is None and xml is None:
        return f"<table:table-cell{attrs}/>"
    text = xml if xml is not None else str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<table:table-cell{attrs} office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def ods_row(*cells: str, repeat: int = 1) -> str:
    attrs = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{attrs}>{''.join(cells)}</table:table-row>"


def ods(
    sheets: dict[str, list[str]] | list[tuple[str, list[str]]],
    mimetype: bytes = b"application/vnd.oasis.opendocument.spreadsheet",
    namespaces: str = "",
) -> bytes:
    """An OpenDocument spreadsheet of sheets (title: rows of ods_row; pairs, for two of one name), its `mimetype`
    stored first as the standard asks;
    `namespaces` declares more (drawing, LibreOffice's calcext) for the cells that use them."""
    tables = "".join(
        f'<table:table table:name="{title}"><table:table-column table:number-columns-repeated="3"/>'
        f"{''.join(rows)}</table:table>"
        for title, rows in (sheets.items() if isinstance(sheets, dict) else sheets)
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NAMESPACES} {namespaces}><office:body>'
        f"<office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def _payments_ods(content: bytes | None = b"") -> bytes:
    """A small ODS of payments; `content` replaces its content.xml (None: left out), as a damaged file's."""
    data = ods(
        {
            "Payments": [ods_row(ods_cell("Date"), ods_cell("Supplier Name"), ods_cell("Amount"))]
            + [ods_row(ods_cell("01/05/2025"), ods_cell(f"Supplier {i}"), ods_cell(500 + i)) for i in range(50)]
        }
    )
    if content == b"":
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {"mimetype": archive.read("mimetype")}
    if content is not None:
        parts["content.xml"] = content
    return zip_of(parts, zipfile.ZIP_STORED)
