-- The supplier $supplier (no row when it has no profile): its name, whether it is paid in the loaded spend files,
-- every spelling it is published under (payees and award notices) and how they were matched.
with spellings as (
    select supplier_name as spelling from supplier_aliases where supplier_id = $supplier
    union
    select published_name as spelling from procurement_suppliers where supplier_id = $supplier
),

profile as (
    select supplier_id, canonical_name as supplier_name, true as is_paid, match_method, company_number
    from suppliers
    where supplier_id = $supplier
    union all
    select supplier_id, min(supplier_name), false, 'normalised name', cast(null as varchar)
    from procurement_suppliers
    where supplier_id = $supplier and not is_paid
    group by supplier_id
)

select
    p.supplier_id,
    p.supplier_name,
    p.is_paid,
    p.match_method,
    p.company_number,
    (select string_agg(spelling, '; ' order by spelling) from spellings) as spellings,
    (select count(*) from spellings) as spelling_count
from profile as p
order by p.is_paid desc
limit 1
