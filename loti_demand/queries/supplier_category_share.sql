-- One supplier's ($supplier) share of each tech category's London market in the window $start..$end: its tech
-- spend in the category as a share of the category's named-supplier spend, as top_suppliers.sql gives share_pct
-- and rank with that category chosen (suppliers whose credits exceed their payments have no share and are left out
-- of the base), and how many suppliers the category has.
with by_supplier as (
    select tech_category, supplier_id, sum(amount_gbp) as amount_gbp, cast(sum(lines) as bigint) as lines
    from agg_spend_by_supplier
    where payment_month between $start and $end
    group by tech_category, supplier_id
),

ranked as (
    select
        *,
        sum(amount_gbp) filter (where amount_gbp > 0) over (partition by tech_category) as named_spend_gbp,
        row_number() over (partition by tech_category order by amount_gbp desc, supplier_id) as rank,
        count(*) over (partition by tech_category) as suppliers
    from by_supplier
)

select
    r.tech_category,
    c.label as tech_category_label,
    r.amount_gbp as tech_spend_gbp,
    r.lines,
    r.named_spend_gbp,
    case when r.amount_gbp > 0 then 100 * cast(r.amount_gbp as double) / r.named_spend_gbp end as share_pct,
    r.rank,
    r.suppliers
from ranked as r
inner join ref_tech_categories as c on r.tech_category = c.tech_category
where r.supplier_id = $supplier
order by tech_spend_gbp desc, r.tech_category
