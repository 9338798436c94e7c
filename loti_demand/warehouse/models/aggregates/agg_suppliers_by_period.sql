-- The 51 largest suppliers London-wide for each spend period the pages offer (page_periods) and tech category
-- (NULL = all tech): the answer top_suppliers.sql gives for that window, category and every borough with a limit
-- of up to 50 (plus one, to say there are more), so the Spend page reads its top N (at most 50) as stored instead
-- of grouping 150,000 monthly rows per click. Same definitions as top_suppliers.sql: rank by spend then
-- supplier_id; a share only for a supplier whose payments exceed its credits, of the spend of all those
-- suppliers; suppliers_total and window_spend_gbp count them all. A few thousand rows: one row group, read whole.
with by_category as (
    select
        p.period_start,
        p.period_end,
        s.tech_category,
        s.supplier_key,
        any_value(s.supplier_id) as supplier_id,
        sum(s.amount_gbp) as tech_spend_gbp,
        cast(sum(s.lines) as bigint) as lines,
        bit_or(s.borough_bit) as borough_mask
    from agg_spend_by_supplier as s
    inner join page_periods as p
        on p.kind = 'spend' and s.payment_month between p.period_start and p.period_end
    group by p.period_start, p.period_end, s.tech_category, s.supplier_key
),

by_supplier as (
    select * from by_category
    union all
    select
        period_start,
        period_end,
        null as tech_category,
        supplier_key,
        any_value(supplier_id) as supplier_id,
        sum(tech_spend_gbp) as tech_spend_gbp,
        cast(sum(lines) as bigint) as lines,
        bit_or(borough_mask) as borough_mask
    from by_category
    group by period_start, period_end, supplier_key
)

select
    s.period_start,
    s.period_end,
    s.tech_category,
    row_number() over (window_rows order by s.tech_spend_gbp desc, s.supplier_id) as rank,
    s.supplier_id,
    coalesce(sup.canonical_name, s.supplier_id) as supplier_name,
    s.tech_spend_gbp,
    case
        when s.tech_spend_gbp > 0
            then 100 * cast(s.tech_spend_gbp as double)
            / sum(s.tech_spend_gbp) filter (where s.tech_spend_gbp > 0) over window_rows
    end as share_pct,
    s.lines,
    cast(bit_count(s.borough_mask) as bigint) as boroughs,
    count(*) over window_rows as suppliers_total,
    sum(s.tech_spend_gbp) over window_rows as window_spend_gbp
from by_supplier as s
left join suppliers as sup on s.supplier_id = sup.supplier_id
window window_rows as (partition by s.period_start, s.period_end, s.tech_category)
qualify rank <= 51  -- queries.STORED_SUPPLIER_RANKS
order by s.period_start, s.period_end, s.tech_category nulls first, rank
