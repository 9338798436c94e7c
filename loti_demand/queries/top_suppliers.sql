-- The largest named suppliers of tech in the window for the chosen boroughs ($boroughs, NULL = all) and category
-- ($category, NULL = all tech), with market share of the named-supplier spend (suppliers whose credits exceed
-- their payments in the window have no share and are left out of the base). Returns $limit + 1 rows so the
-- page can say there are more; suppliers_total counts them all.
with by_supplier_borough as (
    select supplier_id, borough_code, sum(amount_gbp) as amount_gbp, sum(lines) as lines
    from agg_spend_by_supplier
    where payment_month between $start and $end
        and ($boroughs is null or list_contains($boroughs, borough_code))
        and ($category is null or tech_category = $category)
    group by supplier_id, borough_code
),

by_supplier as (
    select supplier_id, sum(amount_gbp) as tech_spend_gbp, cast(sum(lines) as bigint) as lines, count(*) as boroughs
    from by_supplier_borough
    group by supplier_id
)

select
    row_number() over (order by s.tech_spend_gbp desc, s.supplier_id) as rank,
    s.supplier_id,
    coalesce(sup.canonical_name, s.supplier_id) as supplier_name,
    s.tech_spend_gbp,
    case when s.tech_spend_gbp > 0 then 100 * cast(s.tech_spend_gbp as double)
        / sum(case when s.tech_spend_gbp > 0 then s.tech_spend_gbp end) over () end as share_pct,
    s.lines,
    s.boroughs,
    count(*) over () as suppliers_total
from by_supplier as s
left join suppliers as sup on s.supplier_id = sup.supplier_id
order by rank
limit $limit + 1
