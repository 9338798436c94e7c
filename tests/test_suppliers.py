"""Supplier resolution: name keys, identifiers, guarded fuzzy matching, officer overrides, the suppliers mart."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from loti_demand.normalise.supplier_resolution import Override, Published, resolve
from loti_demand.normalise.suppliers import (
    card_merchant,
    clean_identifier,
    near_spelling,
    same_name_words,
    supplier_key,
)
from loti_demand.reference import Reference
from loti_demand.warehouse.build import build, run_checks
from loti_demand.warehouse.db import connect

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("MICROSOFT LTD", "microsoft"),
        ("Microsoft Limited", "microsoft"),
        ("Microsoft Ltd.", "microsoft"),
        ("  microsoft   ltd ", "microsoft"),
        ("ACME LTD T/A WIDGETCO", "acme"),
        ("Acme (t/a Widgetco)", "acme"),
        ("Acme trading as Widgetco", "acme"),
        ("Hammersmith & Fulham Law LLP", "hammersmith and fulham law"),
        ("British Telecommunications PLC", "british telecommunications"),
        ("Café Nero", "cafe nero"),
        ("REDACTED UNDER DP ACT", None),
        ("", None),
        (None, None),
    ],
)
def test_supplier_key(name, key) -> None:
    assert supplier_key(name) == key


@pytest.mark.parametrize(
    ("published", "plain"),
    [
        ("MOTOROLA LTD [229816]", "MOTOROLA LTD"),  # the council's vendor number (Lancashire's PCC)
        ("VODAFONE LTD (215385)", "Vodafone Limited"),  # in round brackets: five digits or more
        ("DME HANNAH ROGERS TRST(07301836)", "DME Hannah Rogers Trst"),  # a company number
        ("BT PLC#1", "BT PLC"),  # after '#' (Walsall)
        ("PRP Architects LLP#02", "PRP Architects LLP"),
        ("RUNWOOD HOMES LTD&&SSARO2844", "Runwood Homes Ltd"),  # a vendor code after '&&' (Leicestershire)
        ("HEATHCOTES M LTD&&SARO 9436", "Heathcotes M Ltd"),
        ("FOSSE HEALTHCARE LTD&&&&ISHC3231", "FOSSE HEALTHCARE LTD"),
        ("Civica UK Ltd_a", "Civica UK Ltd"),  # a supplier site's letter (Havering)
        ("Marlborough Surfacing Ltd_f", "MARLBOROUGH SURFACING LIMITED"),  # (Barking and Dagenham)
        ("Leonard Cheshire Disability_a.", "Leonard Cheshire Disability"),
        ("Anytime Care 2020_a", "Anytime Care 2020"),
        ("CAPITA BUSINESS SERVICES LTD.1", "Capita Business Services Ltd"),  # a spreadsheet's duplicate marker
    ],
)
def test_supplier_key_ignores_what_a_publishers_export_added_at_the_end(published: str, plain: str) -> None:
    assert supplier_key(published) == supplier_key(plain)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("3M UK PLC", "3m"),
        ("Unit4 Business Software Ltd", "unit4 business software"),
        ("Unit 4 Ltd", "unit 4"),
        ("Route 1 Ltd", "route 1"),
        ("2020 Ltd", "2020"),
        ("COMPLIANCE 365", "compliance 365"),
        ("Web 2.0 Ltd", "web 2 0"),
        ("TURNAROUND HOMES 3.13", "turnaround homes 3 13"),
        ("BT (British Telecom)", "bt british telecom"),
        ("Acme (Europe) Ltd", "acme europe"),
        ("Something (ICON)", "something icon"),  # parenthesised words are left to fuzzy matching and overrides
        ("ORCHARD LEA NURSERY LTD [KEYNSHAM]", "orchard lea nursery keynsham"),
        ("CUSTOM COVERS (1984) LIMITED", "custom covers 1984"),  # a year in a company's name
        ("VILLAGE COMMERCIAL DEVELOPMENTS (2000)", "village commercial developments 2000"),
        ("GATESHEAD REDHEUGH (1957)", "gateshead redheugh 1957"),
        ("MMCG (2)", "mmcg 2"),  # a numbered company: 'MMCG (2) Ltd'
        ("Maria Mallaband Properties (5) Ltd", "maria mallaband properties 5"),
        ("Ward Williams Associates LLP_INS", "ward williams associates ins"),  # only a single letter is a site's
        ("[229816]", "229816"),  # a name that is nothing but a number keeps it
        ("LTD [229816]", "ltd 229816"),  # and one of legal-form words alone: 'LTD [999999]' is another
        ("TAXI NO.2", "taxi no 2"),  # '.2' is a duplicate marker only after a legal form ('LTD.1')
        ("Studio No.9", "studio no 9"),
        ("Tom && Jerry 2", "tom and and jerry 2"),  # a vendor code follows "&&" straight away
    ],
)
def test_supplier_key_keeps_numbers_and_words_that_are_part_of_a_name(name: str, key: str) -> None:
    assert supplier_key(name) == key


def test_a_hostile_name_is_keyed_as_fast_as_a_short_one() -> None:
    """Found by review: the export-suffix pattern retried at every '&' of a run, so a 10,000-character name took 16
    s to key (a spend file's supplier name reaches it at build), and the trading-as one at every space of a run (57 s
    for 100,000). Only a name's tail is searched for a suffix now, and spaces are made single first."""
    from loti_demand.normalise.suppliers import name_tokens

    for hostile in (
        "A" + "&" * 100_000 + "x",
        "A" + "&" * 100_000 + "1",
        "B" + " " * 100_000 + "[1]",
        "C" + " " * 100_000 + "(t/a",
    ):
        assert supplier_key(hostile) is not None
        assert isinstance(name_tokens(hostile), frozenset)


@pytest.mark.parametrize(
    ("value", "kind", "cleaned"),
    [
        ("GB 123 4567 89", "vat", "123456789"),
        ("123456789", "vat", "123456789"),
        ("NA", "vat", None),
        ("12345", "vat", None),
        ("1234567", "company", "01234567"),
        ("SC123456", "company", "SC123456"),
        ("Redacted", "supplier", None),
        ("0", "supplier", None),
        (" 20000000 ", "supplier", "20000000"),
    ],
)
def test_clean_identifier(value: str, kind: str, cleaned: str | None) -> None:
    assert clean_identifier(value, kind) == cleaned


@pytest.mark.parametrize(
    ("name", "merchant"),
    [
        ("PAYPAL *MAILCHIMP", "MAILCHIMP"),  # a payment firm's prefix
        ("DNH*GODADDY.COM", "GODADDY.COM"),
        ("SQ * Cafe Nero", "Cafe Nero"),
        ("PCARD - SURVEYMONKEY", "SURVEYMONKEY"),  # the council's card marker
        ("PCARDZOOM.US", "ZOOM.US"),  # run together
        ("Purchase Card: Adobe", "Adobe"),
        ("WWW.ZOOM.US", "ZOOM.US"),  # a web address
        ("Microsoft Ltd", None),
        ("Card Services Ltd", None),
        ("PAYPAL *", None),
        ("*", None),
    ],
)
def test_card_merchant(name: str, merchant: str | None) -> None:
    assert card_merchant(name) == merchant


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("exeter community initiative", "exeter community initiatives", True),
        ("brain injury rehabilitation trst", "brain injury rehabititation trst", True),
        ("oxford community work agency l", "oxford community work agency", True),  # truncated by the ledger
        ("university of manchester", "university of chester", False),  # 93% alike as strings, but not one name
        ("supplier 00001", "supplier 00002", False),  # numbers must agree
        ("smith and sons builders", "smyth and sons builders", False),
    ],
)
def test_near_spelling(a: str, b: str, alike: bool) -> None:
    assert bool(near_spelling(a, b)) is alike


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("HC-One Limited", "HC-One Ltd (Acorn Hollow)", True),
        ("L&Q T/A London & Quadrant Housing T", "London and Quadrant", True),
        ("O J WILLIAMS", "WILLIAMS O J", True),
        ("MOTOROLA LTD [229816]", "Motorola Solutions UK Ltd", True),  # the vendor number is no word of the name
        ("BADGER BOOKS", "PANDORA BOOKS", False),
        ("British Telecommunications Ltd", "EE Limited (Airtime)", False),
        ("NORSE EASTERN LIMITED", "NORSE SOUTH WEST LIMITED", False),
    ],
)
def test_same_name_words(a: str, b: str, same: bool) -> None:
    assert same_name_words(a, b) is same


def matches(*published: Published, overrides=()) -> dict[str, tuple]:
    return {
        m.supplier_name: (m.supplier_id, m.canonical_name, m.match_method, m.confidence)
        for m in resolve(published, overrides)
    }


def test_spellings_of_one_name_share_a_supplier_and_its_most_frequent_spelling() -> None:
    got = matches(Published("BRIGHTLINE SOFTWARE LTD", 3), Published("Brightline Software Limited", 5))
    assert got == {
        "BRIGHTLINE SOFTWARE LTD": ("brightline software", "Brightline Software Limited", "normalised name", 1.0),
        "Brightline Software Limited": ("brightline software", "Brightline Software Limited", "normalised name", 1.0),
    }


def test_a_companies_house_number_links_different_names() -> None:
    got = matches(
        Published("Acme Holdings Ltd", 2, company_numbers=("1234567",)),
        Published("Widgetco Ltd", 1, company_numbers=("01234567",)),
    )
    assert got["Widgetco Ltd"][:3] == ("acme", "Acme Holdings Ltd", "company number")


def test_a_vat_group_number_links_only_names_that_agree() -> None:
    got = matches(
        Published("British Telecommunications Ltd", 9, vat_numbers=("GB245719348",)),
        Published("EE Limited (Airtime)", 4, vat_numbers=("GB245719348",)),
        Published("HC-One Limited", 6, vat_numbers=("GB218770886",)),
        Published("HC-One Ltd (Acorn Hollow)", 2, vat_numbers=("218770886",)),
    )
    assert got["EE Limited (Airtime)"][0] != got["British Telecommunications Ltd"][0]
    assert got["HC-One Ltd (Acorn Hollow)"] == ("hc one", "HC-One Limited", "VAT number", 0.9)


def test_a_council_supplier_id_counts_within_its_borough_only() -> None:
    got = matches(
        Published("Young Devon", 5, supplier_refs=(("E09000001", "120708"),)),
        Published("Young Devon (Ivybridge)", 1, supplier_refs=(("E09000001", "120708"),)),
        Published("Young Devon Youth Club", 1, supplier_refs=(("E09000002", "120708"),)),
    )
    assert got["Young Devon (Ivybridge)"][2:] == ("supplier id", 0.95)
    assert got["Young Devon Youth Club"][0] != got["Young Devon"][0]


def test_a_name_paid_by_two_councils_keeps_each_councils_id_in_its_own_borough() -> None:
    # Young Devon is 120708 at the City and 555 at Barking; 555 at the City is someone else's id
    got = matches(
        Published("Young Devon", 5, supplier_refs=(("E09000001", "120708"), ("E09000002", "555"))),
        Published("Young Devon (Barking)", 1, supplier_refs=(("E09000002", "555"),)),
        Published("Young Devon Youth Club", 1, supplier_refs=(("E09000001", "555"),)),
    )
    assert got["Young Devon (Barking)"][2:] == ("supplier id", 0.95)
    assert got["Young Devon Youth Club"][0] != got["Young Devon"][0]


def test_an_identifier_shared_by_many_names_is_a_sundry_account_and_ignored() -> None:
    names = [
        Published(f"Payee {letter} Refund", 1, supplier_refs=(("E09000001", "20000000"),)) for letter in "ABCDEFGHIJKL"
    ]
    assert len({v[0] for v in matches(*names).values()}) == len(names)


def test_fuzzy_matches_carry_their_similarity_as_confidence() -> None:
    got = matches(
        Published("EXETER COMMUNITY INITIATIVES", 4),
        Published("EXETER COMMUNITY INITIATIVE", 1),
        Published("University of Manchester", 2),
        Published("University of Chester", 2),
    )
    assert got["EXETER COMMUNITY INITIATIVE"][:3] == (
        "exeter community initiatives",
        "EXETER COMMUNITY INITIATIVES",
        "fuzzy",
    )
    assert 0.9 <= got["EXETER COMMUNITY INITIATIVE"][3] < 1
    assert got["University of Chester"][0] == "university of chester"


def test_overrides_merge_and_keep_apart() -> None:
    published = (
        Published("L&Q T/A London & Quadrant Housing T", 3),
        Published("London and Quadrant", 5),
        Published("EXETER COMMUNITY INITIATIVES", 4),
        Published("EXETER COMMUNITY INITIATIVE", 1),
    )
    overrides = (
        Override("L&Q T/A London & Quadrant Housing T", "London and Quadrant", "trading name"),
        Override("Exeter Community Initiative", "Exeter Community Initiative", "a different charity"),
    )
    got = {m.supplier_name: m for m in resolve(published, overrides)}
    lq = got["L&Q T/A London & Quadrant Housing T"]
    assert (lq.supplier_id, lq.canonical_name, lq.match_method) == (
        "london and quadrant",
        "London and Quadrant",
        "override",
    )
    assert "trading name" in lq.reason
    kept = got["EXETER COMMUNITY INITIATIVE"]
    assert (kept.supplier_id, kept.match_method) == ("exeter community initiative", "override")
    assert got["EXETER COMMUNITY INITIATIVES"].supplier_id == "exeter community initiatives"


def test_redacted_and_blank_names_are_not_suppliers() -> None:
    assert matches(Published("REDACTED", 4), Published("", 1)) == {}


def test_suppliers_mart_and_overrides_file(data_dir: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference)
    (reference / "supplier_overrides.csv").write_text(
        "supplier_name,canonical_name,note\nAcme Building Repairs Ltd,Quayside Networks plc,same group (test)\n",
        encoding="utf-8",
    )
    warehouse = tmp_path / "w.duckdb"
    build(data_dir, warehouse, reference=Reference(reference))
    con = connect(warehouse, read_only=True)
    suppliers = {
        r[0]: r[1:]
        for r in con.execute(
            "select supplier_id, canonical_name, aliases, match_method, min_confidence from suppliers"
        ).fetchall()
    }
    assert suppliers["brightline software"] == (
        "Brightline Software Limited",
        ["BRIGHTLINE SOFTWARE LTD", "Brightline Software Limited"],
        "normalised name",
        1.0,
    )
    assert suppliers["quayside networks"][1:3] == (
        ["Acme Building Repairs Ltd", "Quayside Networks plc"],
        "normalised name, override",
    )
    assert not any("redact" in str(v).lower() for v in suppliers.values())
    assert run_checks(con) == []


def test_every_published_name_says_how_it_was_matched(real_spend_con) -> None:
    rows = real_spend_con.execute(
        "select match_method, count(*), min(confidence), bool_and(reason is not null) from supplier_aliases "
        "group by 1 order by 1"
    ).fetchall()
    methods = {r[0]: r[1:] for r in rows}
    assert set(methods) <= {"normalised name", "company number", "supplier id", "VAT number", "fuzzy", "override"}
    assert {"normalised name", "supplier id", "VAT number", "fuzzy"} <= set(methods)
    assert all(r[3] for r in rows) and methods["fuzzy"][1] >= 0.9
    # One VAT group registration, five spellings (care homes of one company): one supplier, each reason
    # naming another spelling; 'HC-ONE NO.1 LIMITED' shares no identifier with them and stays apart.
    hc_one = real_spend_con.execute(
        "select supplier_name, supplier_id, reason from supplier_aliases where supplier_name ilike 'HC-One L%'"
    ).fetchall()
    assert len(hc_one) == 6 and len({r[1] for r in hc_one}) == 1
    assert all(not reason.endswith(f"'{name}'") for name, _, reason in hc_one if reason.startswith("same VAT"))


def test_a_contracts_current_supplier_shows_under_the_suppliers_canonical_name(sample_con) -> None:
    """The sample's award to 'CORVEDALE CONSULTING LLP' is paid as 'Corvedale Consulting LLP' (and in capitals):
    every table shows the suppliers mart's one name, as the top suppliers do."""
    rows = sample_con.execute(
        "select p.supplier_names, d.incumbent_suppliers from demand_items as d join procurements as p using (ocid) "
        "where p.supplier_names ilike '%corvedale%'"
    ).fetchall()
    canonical = sample_con.execute(
        "select canonical_name from suppliers where supplier_id = 'corvedale consulting'"
    ).fetchall()[0][0]
    assert rows == [("CORVEDALE CONSULTING LLP", canonical)] and canonical == "Corvedale Consulting LLP"
    # every published spelling that a paid supplier shares a matching key with takes that supplier's name
    names = sample_con.execute(
        "select p.supplier_names, d.incumbent_suppliers from demand_items as d "
        "join procurements as p using (ocid) where p.supplier_names is not null"
    ).fetchall()
    paid = {
        supplier_key(a): c
        for a, c in sample_con.execute(
            "select a.supplier_name, s.canonical_name "
            "from supplier_aliases as a join suppliers as s using (supplier_id)"
        ).fetchall()
    }
    assert len(names) > 20 and sum(published != shown for published, shown in names) > 5
    for published, shown in names:
        display = [paid.get(supplier_key(n), n) for n in published.split("; ")]
        assert shown == "; ".join(dict.fromkeys(display)), published


def test_award_supplier_names_keep_an_unpaid_name_as_published(tmp_path: Path) -> None:
    from loti_demand.warehouse.models.intermediate import int_award_supplier_names

    con = connect(tmp_path / "w.duckdb")
    con.execute(
        "create table int_supplier_matches as select * from (values ('ACME LTD', 'acme', 'Acme Limited'), "
        "('Acme Limited', 'acme', 'Acme Limited')) t(supplier_name, supplier_id, canonical_name)"
    )
    con.execute(
        "create table int_procurements as select * from (values ('o1', 'acme ltd.; Widget Works PLC'), "
        "('o2', null)) t(ocid, supplier_names)"
    )
    int_award_supplier_names.create(con)
    assert con.execute("select * from int_award_supplier_names order by all").fetchall() == [
        ("Widget Works PLC", None, None, "widget works"),
        ("acme ltd.", "acme", "Acme Limited", "acme"),
    ]


def test_resolving_each_connected_set_of_links_gives_what_resolving_all_names_gives(tmp_path: Path) -> None:
    """The Spark build's split of int_supplier_matches (done here in Python): create_links' links, less those more
    names share than their limit, joined into connected sets; create_component over each set, told the links left
    out, gives the rows create_component gives over all the names (the DuckDB build's), through a VAT group, a fuzzy
    spelling, a chain of overrides through a name no one was paid under, and a council's sundry account."""
    from loti_demand.warehouse.models.intermediate import int_supplier_matches as model

    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE, reference)
    (reference / "supplier_overrides.csv").write_text(
        "supplier_name,canonical_name,note\nGamma Services,Delta Group,x\nDelta Group,Epsilon Holdings,y\n",
        encoding="utf-8",
    )
    ref = Reference(reference)
    sundry = [["E09000001", "20000000"]]  # one council's catch-all id, paid to twelve names
    rows = [
        (f"{word} Refund", 1, sundry, None, None)
        for word in ("Bravo", "Charlie", "Foxtrot", "Hotel", "India", "Juliet", "Kilo", "Lima", "Mike", "Oscar")
    ]
    rows += [
        ("Alpha Care", 3, sundry, ["GB123456789"], None),  # also a VAT group with the next: linked by VAT only
        ("ALPHA CARE HOMES LTD", 2, sundry, ["123456789"], None),
        ("EXETER COMMUNITY INITIATIVES", 4, None, None, None),
        ("Exeter Community Initiative", 1, None, None, None),
        ("Gamma Services", 2, None, None, ["01234567"]),
        ("Epsilon Holdings Ltd", 5, None, None, None),
        ("Zeta Digital", 1, [["E09000007", "A1"]], None, ["1234567"]),
        ("ZETA DIGITAL SOLUTIONS", 1, [["E09000007", "A1"]], None, None),
        ("REDACTED", 9, None, None, None),
        ("", 1, None, None, None),
    ]
    links = model.create_links(rows, ref)
    names = {}
    for link in links:
        names.setdefault(link["link"], set()).add(link["node"])
    ignored = {link["link"] for link in links if link["limit"] is not None and len(names[link["link"]]) > link["limit"]}
    assert ignored == {"i:supplier id:E09000001:20000000"}
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for link in links:
        if link["link"] not in ignored:
            parent[find(link["node"])] = find(link["link"])
    sets: dict[str, list[tuple]] = {}
    node_of = {link["supplier_name"]: link["node"] for link in links}
    for row in rows:
        if row[0] in node_of:
            sets.setdefault(find(node_of[row[0]]), []).append(row)
    assert sorted(map(len, sets.values())) == [1] * 10 + [2] * 4  # each refund alone; four pairs

    def table(found: list[dict]) -> list[tuple]:
        return sorted(tuple(row.values()) for row in found)

    whole = table(model.create_component(rows, ref))
    assert table([r for group in sets.values() for r in model.create_component(group, ref, ignored)]) == whole
    by_name = {row[0]: row for row in whole}
    assert by_name["ALPHA CARE HOMES LTD"][3] == "VAT number"
    assert by_name["Gamma Services"][1:4] == ("epsilon", "Epsilon Holdings", "override")  # through Delta Group
    assert by_name["Exeter Community Initiative"][3] == "fuzzy" and "REDACTED" not in by_name
    # Within its set the sundry id has two names: only the count over all names tells it is to be ignored.
    alone = table([r for group in sets.values() for r in model.create_component(group, ref, ())])
    assert {row[0]: row for row in alone}["ALPHA CARE HOMES LTD"][3] == "supplier id"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("published,canonical,note\nHawksmoor Advisory LLP,Brightline Software Ltd,\n", r"row 1 \(the header\) has no"),
        (
            "supplier_name,canonical_name,note\nBrightline Software Ltd,Brightline Software,one\n"
            "Brightline Software Limited,Brightline Group,two\n",
            r"row 3 makes 'Brightline Software Limited' 'Brightline Group', but row 2 makes the same supplier "
            r"'Brightline Software'",
        ),
        ("supplier_name,canonical_name,note\nBrightline Software Ltd,,\n", r"row 2: canonical_name '' names no"),
        ("supplier_name,canonical_name,note\nLtd,Foo Ltd,\n", r"row 2: supplier_name 'Ltd' names no supplier"),
    ],
)
def test_an_overrides_file_that_would_apply_nothing_or_conflicts_is_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    """Before, a wrong header built with exit 0 and no override, and of two conflicting rows the later won unsaid."""
    from loti_demand.exceptions import ReferenceDataError
    from loti_demand.warehouse.enrich import load_overrides

    (tmp_path / "supplier_overrides.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="supplier_overrides.csv: " + message):
        load_overrides(tmp_path)


def test_an_overrides_file_saved_by_excel_in_cp1252_is_read(tmp_path: Path) -> None:
    from loti_demand.warehouse.enrich import load_overrides

    (tmp_path / "supplier_overrides.csv").write_bytes(
        b"supplier_name,canonical_name,note\r\nHawksmoor Advisory LLP,Hawksmoor Advisory,caf\xe9\r\n"
    )
    assert [o.note for o in load_overrides(tmp_path)] == ["caf\u00e9"]
