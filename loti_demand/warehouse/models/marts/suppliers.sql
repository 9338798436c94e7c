-- One row per resolved supplier: its canonical name, every published spelling resolved to it, and how.
-- Redacted payees are not suppliers here: staging withheld their names before resolution.
with matches as (
    select * from int_supplier_matches
),

methods as (
    select supplier_id, string_agg(distinct match_method, ', ' order by match_method) as match_method
    from matches
    group by supplier_id
)

select
    matches.supplier_id,
    any_value(matches.canonical_name) as canonical_name,
    list(distinct matches.supplier_name order by matches.supplier_name) as aliases,
    any_value(methods.match_method) as match_method,
    min(matches.confidence) as min_confidence,
    any_value(matches.company_number) as company_number,
    any_value(matches.vat_number) as vat_number
from matches
inner join methods on matches.supplier_id = methods.supplier_id
group by matches.supplier_id
order by matches.supplier_id
