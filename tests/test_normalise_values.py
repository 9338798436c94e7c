"""Amount and date parsers: real oddities, property tests, and agreement with the SQL macros."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loti_demand.normalise.dates import parse_date
from loti_demand.normalise.money import (
    decimal_mark,
    format_amount,
    has_misplaced_commas,
    parse_amount,
)
from loti_demand.normalise.text import HIDDEN, quoted
from loti_demand.warehouse.db import MODELS_DIR

AMOUNTS = [
    ("1,234.5", Decimal("1234.50")),
    ("£1,234.50", Decimal("1234.50")),
    ("(12.00)", Decimal("-12.00")),
    ("(£120.00)", Decimal("-120.00")),
    ("£-3", Decimal("-3.00")),
    ("-1,534.24", Decimal("-1534.24")),
    ("1534.24-", Decimal("-1534.24")),
    ("99.00CR", Decimal("-99.00")),
    ("99.00 CR", Decimal("-99.00")),
    (" 222,441.16 ", Decimal("222441.16")),
    ("Â£500", Decimal("500.00")),
    ("œ2,500.00", Decimal("2500.00")),  # byte 0x9C, the DOS pound sign, read as Windows-1252 (Durham)
    ("0.01", Decimal("0.01")),
    ("12.345", Decimal("12.35")),
    (".5", Decimal("0.50")),
    ("TBC", None),
    ("", None),
    ("1.2.3", None),
    ("--5", None),
    ("(5", None),
    ("-(5)", None),
    ("\u22121,534.24", Decimal("-1534.24")),  # a typographic minus sign
    ("99.00DR", Decimal("99.00")),
    ("1e5", None),
    ("00000000000000000001", None),  # 20 digits before the point: more than DECIMAL(18,2) holds
    (" -   ", Decimal("0.00")),  # Islington: an accounting format's zero
    (" £ -   ", Decimal("0.00")),  # Hackney
    ("--", None),
    ("-.", None),
]
DATES = [
    ("31/01/2024", dt.date(2024, 1, 31)),
    ("1/2/2024", dt.date(2024, 2, 1)),
    ("01-02-2024", dt.date(2024, 2, 1)),
    ("05-Apr-2024", dt.date(2024, 4, 5)),
    ("05-APR-2024", dt.date(2024, 4, 5)),
    ("5 April 2024", dt.date(2024, 4, 5)),
    ("2024-04-05", dt.date(2024, 4, 5)),
    ("2024-04-05T00:00:00", dt.date(2024, 4, 5)),
    ("05/04/2024 00:00:00", dt.date(2024, 4, 5)),
    ("05/04/24", dt.date(2024, 4, 5)),
    ("45322", dt.date(2024, 1, 31)),
    ("31/02/2025", None),
    ("13/13/2024", None),
    ("tomorrow", None),
    ("01/01/1850", None),
    ("\x0b31/01/2024\x0c", dt.date(2024, 1, 31)),  # vertical tab and form feed are whitespace...
    ("31/01/2024v", None),  # ...and the letter v is not (DuckDB reads E'\\v' as 'v')
    ("5  April  2024", dt.date(2024, 4, 5)),
    ("31/01-2024", None),  # one separator per date
    ("\u00a008-Aug-2023", dt.date(2023, 8, 8)),  # Croydon's dates begin with a no-break space
    ("23/Nov/2023", dt.date(2023, 11, 23)),  # Wandsworth, November 2023
    ("16 Aug 23", dt.date(2023, 8, 16)),  # Islington, July to September 2023
    ("16/AUG/23", dt.date(2023, 8, 16)),
    ("16 Aug 2023\u202f", dt.date(2023, 8, 16)),
    # West Berkshire: Excel day numbers with the time of day as a fraction; the day is the whole number, never
    # rounded up (45322.75 is 18:00 on 31 January)
    ("45301.45023804398", dt.date(2024, 1, 10)),
    ("45301.45", dt.date(2024, 1, 10)),
    ("45322.75", dt.date(2024, 1, 31)),
    ("45322.0", dt.date(2024, 1, 31)),
    ("12345.67", None),  # an amount: its day would be in 1933
    ("4530.145", None),
    ("453014.5", None),
    ("45,301.45", None),
    ("-45301.45", None),
    ("45301.45.1", None),
    ("45301.", None),
    # Nottingham: ISO 8601's compact form, year first
    ("20240402", dt.date(2024, 4, 2)),
    ("20240231", None),
    ("18991231", None),  # before 1990: not a payment date
    ("2024040", None),
    ("202404021", None),
    ("20240402 00:00:00", dt.date(2024, 4, 2)),
    # a month alone, where a council gives only the period paid in, is its first day
    ("Apr-23", dt.date(2023, 4, 1)),  # Slough
    ("OCT-23", dt.date(2023, 10, 1)),  # Cleveland's police commissioner
    ("April 2023", dt.date(2023, 4, 1)),
    ("Sep-2024", dt.date(2024, 9, 1)),
    ("202401", dt.date(2024, 1, 1)),  # Durham's police commissioner
    ("202413", None),
    ("185001", None),
    ("Sept-23", None),
    ("Apr 23", None),  # April the 23rd, or April 2023: not read
    ("Apr-3", None),
]


@pytest.fixture(scope="module")
def macros():
    con = duckdb.connect()
    con.execute((MODELS_DIR / "macros.sql").read_text())
    yield con
    con.close()


@pytest.mark.parametrize(("text", "expected"), AMOUNTS)
def test_parse_amount(text: str, expected: Decimal | None, macros) -> None:
    assert parse_amount(text) == expected
    assert macros.execute("select parse_amount($1)", [text]).fetchall()[0][0] == expected


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_parse_date(text: str, expected: dt.date | None, macros) -> None:
    assert parse_date(text) == expected
    assert macros.execute("select plausible_date(parse_date($1))", [text]).fetchall()[0][0] == expected


@given(st.text(max_size=40))
def test_parse_amount_never_raises(text: str) -> None:
    result = parse_amount(text)
    assert result is None or isinstance(result, Decimal)


@given(st.text(max_size=60))
def test_parse_date_never_raises(text: str) -> None:
    result = parse_date(text)
    assert result is None or isinstance(result, dt.date)


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False))
def test_formatted_amount_round_trips(value: Decimal) -> None:
    assert parse_amount(format_amount(value)) == value


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["%d/%m/%Y", "%Y-%m-%d", "%d-%b-%Y", "%d %B %Y", "%Y%m%d"]),
)
def test_formatted_date_round_trips(day: dt.date, fmt: str) -> None:
    assert parse_date(day.strftime(fmt)) == day


AMOUNTISH = st.text(alphabet="0123456789.,-()£ CRD\t\x0b\x1c\u00a0", max_size=16)


@settings(max_examples=300, deadline=None)
@given(st.one_of(AMOUNTISH, st.text(max_size=12)))
def test_sql_and_python_amount_parsers_agree(macros, text: str) -> None:
    assert macros.execute("select parse_amount($1)", [text]).fetchall()[0][0] == parse_amount(text)


DECIMAL_MARKS = [
    ("1.234,56", ",", Decimal("1234.56")),
    ("12,5", ",", Decimal("12.50")),
    ("(1.234,56)", ",", Decimal("-1234.56")),
    ("£1,00 CR", ",", Decimal("-1.00")),
    ("1,234.56", ".", Decimal("1.23")),  # read with decimal commas, a UK amount is wrong: hence one mark per file
    ("12.50", ".", Decimal("1250.00")),
    ("2.000", "", Decimal("2000.00")),
    ("1,234", "", Decimal("1.23")),  # quarantined as ambiguous in a decimal-comma file (stg_spend)
    ("500", "", Decimal("500.00")),
]


@pytest.mark.parametrize(
    ("text", "misplaced"),
    [
        ("12,34.56", True),
        ("(1,234,5678.00)", True),
        ("£1,234,567.89CR", False),
        ("1,234", False),
        ("1.234", False),
        ("500", False),
    ],
)
def test_thousands_separators_out_of_threes(text: str, misplaced: bool, macros) -> None:
    assert has_misplaced_commas(text) == misplaced
    assert macros.execute("select has_misplaced_commas($1)", [text]).fetchall() == [(misplaced,)]


@settings(max_examples=300, deadline=None)
@given(st.one_of(AMOUNTISH, st.text(alphabet="0123456789.,-£() \n", max_size=14)))
def test_the_thousands_check_agrees_with_its_macro(macros, text: str) -> None:
    assert macros.execute("select has_misplaced_commas($1)", [text]).fetchall() == [(has_misplaced_commas(text),)]


@pytest.mark.parametrize(("text", "mark", "with_commas"), DECIMAL_MARKS)
def test_decimal_marks_and_amounts_written_with_decimal_commas(
    text: str, mark: str, with_commas: Decimal, macros
) -> None:
    assert decimal_mark(text) == mark
    assert parse_amount(text, decimal_comma=True) == with_commas
    assert macros.execute("select decimal_mark($1), parse_amount_decimal_comma($1)", [text]).fetchall() == [
        (mark, with_commas)
    ]


@settings(max_examples=300, deadline=None)
@given(st.one_of(AMOUNTISH, st.text(max_size=12)))
def test_sql_and_python_decimal_comma_readers_agree(macros, text: str) -> None:
    sql = macros.execute("select decimal_mark($1), parse_amount_decimal_comma($1)", [text]).fetchall()[0]
    assert sql == (decimal_mark(text), parse_amount(text, decimal_comma=True))


DATEISH = st.one_of(
    st.text(alphabet="0123456789/-. :TADFJMNOSaceghilnoprtuvy\t\n\x0b\x1c\u00a0\u2009", max_size=20),
    st.from_regex(r"[A-Za-z]{2,10}[- ][0-9]{1,5}|(19|20)[0-9]{2}[0-9]{2}", fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(DATEISH, st.text(max_size=12)))
def test_sql_and_python_date_parsers_agree(macros, text: str) -> None:
    sql = macros.execute("select plausible_date(parse_date($1))", [text]).fetchall()[0][0]
    assert sql == parse_date(text)


CREDIT_STYLES = [
    lambda v: f"{v:,.2f}",  # 1,234.50 / -1,234.50
    lambda v: f"{abs(v):.2f}-" if v < 0 else f"{v:.2f}",  # trailing minus (ledger exports)
    lambda v: f"{abs(v):,.2f}CR" if v < 0 else f"{v:,.2f}",  # CR suffix
    lambda v: f"({abs(v):,.2f})" if v < 0 else f"{v:,.2f}",  # brackets
    lambda v: f" {v:,.2f} ",  # Devon's padded, quoted amounts
    lambda v: f"£{v:.2f}",  # £-3.00
]


@given(
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False),
    st.sampled_from(CREDIT_STYLES),
)
def test_amounts_in_every_published_style_round_trip(value: Decimal, style) -> None:
    assert parse_amount(style(value)) == value


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_excel_serials_and_timestamps_round_trip(day: dt.date) -> None:
    serial = (day - dt.date(1899, 12, 30)).days
    assert parse_date(str(serial)) == day
    assert parse_date(f"{day.isoformat()}T00:00:00") == day
    assert parse_date(day.strftime("%d/%m/%Y 00:00:00")) == day


# A value quoted in a problem's reason shows what cannot be seen: Croydon's dates held a no-break space that made
# a quarantined '08-Aug-2023' look like a good date.
QUOTED = [
    ("08-Aug-2023\u00a0", "'08-Aug-2023\\xa0'"),
    ("\u00a008-Aug-2023", "'\\xa008-Aug-2023'"),
    ("08-Aug\t2023", "'08-Aug\\t2023'"),
    ("1,234\u200b.56", "'1,234\\u200b.56'"),  # a zero-width space
    ("\ufeffAcme Ltd", "'\\ufeffAcme Ltd'"),  # a byte order mark
    ("C:\\data", "'C:\\\\data'"),  # a backslash is doubled, so an escape is never ambiguous
    ("Café 31/01/2024", "'Café 31/01/2024'"),  # what can be seen is left alone
]


@pytest.mark.parametrize(("text", "expected"), QUOTED)
def test_a_quoted_value_shows_its_hidden_characters(text: str, expected: str, macros) -> None:
    assert quoted(text) == expected
    assert macros.execute("select quoted($1)", [text]).fetchall()[0][0] == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=["a", "1", " ", "\\", "'", "é", *HIDDEN], max_size=12))
def test_sql_and_python_quoting_agree(macros, text: str) -> None:
    assert macros.execute("select quoted($1)", [text]).fetchall()[0][0] == quoted(text)
