-- The largest named suppliers of tech in the window for the chosen boroughs ($boroughs, NULL = all) and category
-- ($category, NULL = all tech), with market share of the named-supplier spend (suppliers whose credits exceed
-- their payments in the window have no share and are left out of the base). Returns $limit + 1 rows so the
-- page can say there are more; suppliers_total counts them all. Groups by the mart's integer supplier_key and
-- counts boroughs from its borough_bit mask (see agg_spend_by_supplier).
with by_supplier as materialized (
    select
        any_value(supplier_id) as supplier_id,
        sum(amount_gbp) as tech_spend_gbp,
        cast(sum(lines) as bigint) as lines,
        cast(bit_count(bit_or(borough_bit)) as bigint) as boroughs
    from agg_spend_by_supplier
    where payment_month between $start and $end
        and ($boroughs is null or list_contains($boroughs, publisher_code))
        and ($category is null or tech_category = $category)
    group by supplier_key
),

totals as (
    select sum(tech_spend_gbp) filter (where tech_spend_gbp > 0) as positive_gbp, count(*) as suppliers_total
    from by_supplier
),

top as (
    select *
    from by_supplier
    order by tech_spend_gbp desc, supplier_id
    limit $limit + 1
)

select
    row_number() over (order by s.tech_spend_gbp desc, s.supplier_id) as rank,
    s.supplier_id,
    coalesce(sup.canonical_name, s.supplier_id) as supplier_name,
    s.tech_spend_gbp,
    case when s.tech_spend_gbp > 0 then 100 * cast(s.tech_spend_gbp as double) / t.positive_gbp end as share_pct,
    s.lines,
    s.boroughs,
    t.suppliers_total
from top as s
cross join totals as t
left join suppliers as sup on s.supplier_id = sup.supplier_id
order by rank
