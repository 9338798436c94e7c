"""Spend: what each borough paid, before it is written in the borough's layout."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from loti_demand.sample.boroughs import Borough
from loti_demand.sample.common import (
    log_uniform,
    lognormal_amount,
    pounds,
    quarter_months,
    random_weekday,
    weighted_choice,
    zipf_weights,
)
from loti_demand.sample.constants import BAD_LINE_RATE, FINANCIAL_YEARS, MONTHS, REPEATED_LINES
from loti_demand.sample.expenses import (
    DEPARTMENTS,
    NON_TECH_TYPES,
    PROJECTS,
    SYSTEMS,
    TEAMS,
    TECH_DEPARTMENTS,
    TECH_TYPES,
    ExpenseType,
)
from loti_demand.sample.supplier_names import NON_TECH_SUPPLIERS, REDACTED_NAMES, TECH_SUPPLIERS
from loti_demand.sample.suppliers import NAME_STYLES, Supplier, supplier_spelling


@dataclass
class Payment:
    """One payment line as the council's finance system holds it."""

    transaction: str
    date: dt.date
    department: str
    supplier: Supplier | None
    payee: str
    expense: ExpenseType
    label: str
    purpose: str
    amount: Decimal
    invoice: str
    bad: str | None = None  # "amount" or "date": a deliberately broken value, for the quarantine

    @property
    def is_redacted(self) -> bool:
        return self.supplier is None


@dataclass
class BoroughBook:
    """One borough's finance system: its spellings, labels, vendor numbers and payments by quarter."""

    borough: Borough
    seed: int
    rng: random.Random
    name_style: str
    redaction: str
    labels: dict[str, str]
    departments: dict[str, str]
    supplier_bias: dict[str, float]
    vendor_numbers: dict[str, str] = field(default_factory=dict)
    group_weights: dict[str, list[float]] = field(default_factory=dict)
    quarters: dict[tuple[int, int], list[Payment]] = field(default_factory=dict)

    def vendor_number(self, supplier: Supplier) -> str:
        """The council's own vendor number for a supplier (made up on first use)."""
        if supplier.name not in self.vendor_numbers:
            self.vendor_numbers[supplier.name] = str(self.rng.randrange(1000, 400000))
        return self.vendor_numbers[supplier.name]

    def supplier_id(self, payment: Payment) -> str:
        """Company number where the supplier publishes one, else the vendor number; blank when redacted."""
        if payment.supplier is None:
            return ""
        return payment.supplier.company_number or self.vendor_number(payment.supplier)

    def payments(self, year: int, quarter: int) -> list[Payment]:
        return sorted(self.quarters[(year, quarter)], key=lambda p: (p.date, p.transaction))


TRANSACTION_FORMATS = {
    "preamble": "INV{:07d}",
    "lga": "51{:08d}",
    "bom": "{:08d}",
    "xlsx": "PV{:07d}",
    "cp1252": "{:09d}",
    "sap-gla": "19{:08d}",
    "sap-tfl": "1004\\51{:08d}",
}


def new_book(borough: Borough, seed: int) -> BoroughBook:
    """Set up a borough's spellings and habits, drawn from its own random stream."""
    rng = random.Random(f"{seed}:spend:{borough.code}")
    labels = {t.key: rng.choice(t.labels) for t in (*TECH_TYPES, *NON_TECH_TYPES)}
    departments = {key: rng.choice(names) for key, names in DEPARTMENTS.items()}
    departments["tech"] = rng.choice(TECH_DEPARTMENTS)
    bias = {
        s: rng.uniform(0.6, 1.6) for group in (*TECH_SUPPLIERS.values(), *NON_TECH_SUPPLIERS.values()) for s in group
    }
    redaction = "REDACTED UNDER DP ACT" if borough.layout == "bom" else rng.choice(REDACTED_NAMES)
    return BoroughBook(borough, seed, rng, rng.choice(NAME_STYLES), redaction, labels, departments, bias)


def lines_per_year(borough: Borough, rng: random.Random) -> int:
    """200 lines for small boroughs up to about 300 for the largest, with some year-to-year jitter."""
    share = min(max((borough.population - 150_000) / 250_000, 0.0), 1.0)
    return round((200 + 100 * share) * rng.uniform(0.97, 1.03))


def tech_amount(rng: random.Random, scale: float) -> Decimal:
    """Tens of thousands typically, with a long tail of contract payments up to a few million."""
    if rng.random() < 0.1:
        return pounds(log_uniform(rng, 250_000, 3_500_000) * min(scale, 1.0))
    return lognormal_amount(rng, 20_000 * scale, 1.4, 520, 400_000)


def non_tech_amount(rng: random.Random, scale: float) -> Decimal:
    return lognormal_amount(rng, 4_000 * scale, 1.4, 505, 200_000)


def choose_supplier(book: BoroughBook, group_key: str, group: list[Supplier]) -> Supplier:
    """Zipf-like market shares, nudged per borough (each council has its favourites)."""
    if group_key not in book.group_weights:
        book.group_weights[group_key] = [
            w * book.supplier_bias[s.name] for w, s in zip(zipf_weights(len(group)), group, strict=True)
        ]
    return weighted_choice(book.rng, group, book.group_weights[group_key])


def render_purpose(template: str, day: dt.date, rng: random.Random) -> str:
    return template.format(
        period=f"{MONTHS[day.month - 1]} {day.year}",
        system=rng.choice(SYSTEMS),
        team=rng.choice(TEAMS),
        project=rng.choice(PROJECTS),
    )


def make_payment(book: BoroughBook, suppliers: dict[str, list[Supplier]], is_tech: bool, day: dt.date) -> Payment:
    """Draw one payment line: its expense type, supplier, amount and wording."""
    rng = book.rng
    types = TECH_TYPES if is_tech else NON_TECH_TYPES
    expense = weighted_choice(rng, types, [t.weight for t in types])
    group_key = expense.tech_category if is_tech else expense.key
    supplier: Supplier | None = choose_supplier(book, group_key, suppliers[group_key])
    if not is_tech and rng.random() < 0.01:
        supplier = None
    amount = (tech_amount if is_tech else non_tech_amount)(rng, expense.scale)
    if rng.random() < 0.03:
        amount = -min(amount, lognormal_amount(rng, 1_500, 1.0, 500, 50_000))
    department = book.departments["tech" if is_tech else expense.key]
    return Payment(
        "",
        day,
        department,
        supplier,
        payee_name(book, supplier),
        expense,
        book.labels[expense.key],
        render_purpose(rng.choice(expense.purposes), day, rng),
        amount,
        str(rng.randrange(10**7, 10**9)),
    )


def payee_name(book: BoroughBook, supplier: Supplier | None) -> str:
    """The supplier as this council spells it; now and then a second vendor record spells it differently."""
    if supplier is None:
        return book.redaction
    style = book.rng.choice(NAME_STYLES) if book.rng.random() < 0.05 else book.name_style
    return supplier_spelling(supplier, style)


def fill_book(book: BoroughBook, suppliers: dict[str, list[Supplier]]) -> None:
    """Generate the borough's payments for every quarter and number them in date order."""
    rng = book.rng
    tech_share = rng.uniform(0.35, 0.45)
    for year in FINANCIAL_YEARS:
        total = lines_per_year(book.borough, rng)
        for quarter in range(1, 5):
            first, last = quarter_months(year, quarter)
            count = total // 4 + (1 if quarter <= total % 4 else 0)
            book.quarters[(year, quarter)] = [
                make_payment(book, suppliers, rng.random() < tech_share, random_weekday(rng, first, last))
                for _ in range(count)
            ]
    number_transactions(book)


def number_transactions(book: BoroughBook) -> None:
    """Give every line a transaction number, increasing with the date and unique within the borough."""
    template = TRANSACTION_FORMATS[book.borough.layout]
    counter = book.rng.randrange(100_000, 900_000)
    for key in sorted(book.quarters):
        for payment in sorted(book.quarters[key], key=lambda p: p.date):
            counter += book.rng.randrange(1, 40)
            payment.transaction = template.format(counter)


def add_repeats(book: BoroughBook, year: int, quarter: int) -> None:
    """Repeat the previous quarter's last lines at the start of this quarter's file (a re-export overlap)."""
    previous = book.payments(year, quarter - 1)[-REPEATED_LINES:]
    book.quarters[(year, quarter)] = previous + book.quarters[(year, quarter)]


def mark_bad_lines(books: list[BoroughBook], seed: int) -> int:
    """Break about one line in 1,500 (amount 'TBC' or the date 31 February), so the quarantine has work."""
    rng = random.Random(f"{seed}:bad-lines")
    marked = 0
    for book in books:
        for key in sorted(book.quarters):
            lines = book.payments(*key)[:-REPEATED_LINES]
            for payment in lines:
                if payment.bad is None and rng.random() < BAD_LINE_RATE:
                    payment.bad = "date" if book.borough.layout == "bom" or rng.random() < 0.5 else "amount"
                    marked += 1
    return marked


def build_spend(boroughs: list[Borough], suppliers: dict[str, list[Supplier]], seed: int) -> list[BoroughBook]:
    """Every borough's payments, with the deliberate bad lines and repeated lines in place."""
    books = []
    for borough in boroughs:
        book = new_book(borough, seed)
        fill_book(book, suppliers)
        books.append(book)
    mark_bad_lines(books, seed)
    for book in repeat_books(books):
        add_repeats(book, 2024, 3)
    return books


def repeat_books(books: list[BoroughBook]) -> list[BoroughBook]:
    """The two boroughs whose 2024-25 Q3 file overlaps Q2: the first BOM and the first cp1252 publisher."""
    chosen = []
    for layout in ("bom", "cp1252"):
        chosen.extend([b for b in books if b.borough.layout == layout][:1])
    return chosen
