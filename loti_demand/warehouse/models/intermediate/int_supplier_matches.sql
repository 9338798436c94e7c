-- One row per published supplier name, for int_supplier_matches.py: its payment lines and its distinct council
-- supplier ids (as [publisher, id] pairs: an id names a supplier only within its council or body), VAT and company
-- numbers.
-- Grouped twice: first by name and identifiers (a few per name), then by name. Listing the distinct identifiers
-- straight from ten million lines took three times as long. Lines without a council id are not split by publisher.
with spellings as (
    select
        supplier_name,
        case when supplier_ref is not null then publisher_code end as ref_publisher,
        supplier_ref,
        vat_number,
        company_number,
        count(*) as lines
    from int_spend_lines
    where problem is null and supplier_name is not null
    group by supplier_name, ref_publisher, supplier_ref, vat_number, company_number
)

select
    supplier_name,
    sum(lines) as lines,
    list(distinct [ref_publisher, supplier_ref]) filter (where supplier_ref is not null) as refs,
    list(distinct vat_number) filter (where vat_number is not null) as vats,
    list(distinct company_number) filter (where company_number is not null) as companies
from spellings
group by supplier_name
