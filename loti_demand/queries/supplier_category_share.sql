-- One supplier's ($supplier) share of each tech category's London market in the window $start..$end: its tech
-- spend in the category as a share of the category's named-supplier spend, as top_suppliers.sql gives share_pct
-- and rank with that category chosen (suppliers whose credits exceed their payments have no share and are left out
-- of the base), and how many suppliers the category has. For a spend period the pages offer the build stored every
-- supplier's shares (agg_supplier_shares_by_period), read here; any other window is worked out.
with stored_window as (
    select count(*) > 0 as is_stored
    from page_periods
    where kind = 'spend' and period_start = $start and period_end = $end
),

by_supplier as (
    select tech_category, supplier_id, sum(amount_gbp) as tech_spend_gbp, cast(sum(lines) as bigint) as lines
    from agg_spend_by_supplier
    where payment_month between $start and $end and not (select is_stored from stored_window)
    group by tech_category, supplier_id
),

ranked as (
    select
        *,
        sum(tech_spend_gbp) filter (where tech_spend_gbp > 0) over (partition by tech_category) as named_spend_gbp,
        row_number() over (partition by tech_category order by tech_spend_gbp desc, supplier_id) as rank,
        count(*) over (partition by tech_category) as suppliers
    from by_supplier
),

shares as (
    select
        tech_category,
        tech_spend_gbp,
        lines,
        named_spend_gbp,
        case when tech_spend_gbp > 0 then 100 * cast(tech_spend_gbp as double) / named_spend_gbp end as share_pct,
        rank,
        suppliers
    from ranked
    where supplier_id = $supplier

    union all

    select tech_category, tech_spend_gbp, lines, named_spend_gbp, share_pct, rank, suppliers
    from agg_supplier_shares_by_period
    where supplier_id = $supplier and period_start = $start and period_end = $end
)

select
    s.tech_category,
    c.label as tech_category_label,
    s.tech_spend_gbp,
    s.lines,
    s.named_spend_gbp,
    s.share_pct,
    s.rank,
    s.suppliers
from shares as s
inner join ref_tech_categories as c on s.tech_category = c.tech_category
order by s.tech_spend_gbp desc, s.tech_category
