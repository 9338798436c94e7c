-- Every supplier with a profile, in name order: paid for technology by a London publisher (agg_supplier_totals)
-- or named in a London award (procurement_suppliers, which gives a supplier never paid its matching key as id).
-- tech_spend_gbp is over every loaded month, so the page can open on the largest supplier.
with paid as (
    select supplier_id, tech_spend_gbp from agg_supplier_totals
),

awarded as (
    select supplier_id, min(supplier_name) as supplier_name
    from procurement_suppliers
    where supplier_id is not null
    group by supplier_id
)

select
    coalesce(p.supplier_id, a.supplier_id) as supplier_id,
    coalesce(s.canonical_name, a.supplier_name, p.supplier_id) as supplier_name,
    coalesce(p.tech_spend_gbp, 0) as tech_spend_gbp
from paid as p
full outer join awarded as a on p.supplier_id = a.supplier_id
left join suppliers as s on coalesce(p.supplier_id, a.supplier_id) = s.supplier_id
-- by the name shown (inside an expression, `supplier_name` would name awarded's column, not the one above)
order by lower(coalesce(s.canonical_name, a.supplier_name, p.supplier_id)), coalesce(p.supplier_id, a.supplier_id)
