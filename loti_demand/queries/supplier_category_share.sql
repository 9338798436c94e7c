-- One supplier's ($supplier) share of each tech category's London market in the window $start..$end: top_suppliers_in
-- (warehouse/models/measures.sql) with that category chosen, as Top suppliers gives it: its tech spend as a share of
-- the category's named-supplier spend, its rank and how many suppliers the category has. For a spend period the
-- pages offer the build stored every supplier's shares (agg_supplier_shares_by_period), read here; any other window
-- is worked out.
with offered as (
    select 1 from page_periods where kind = 'spend' and period_start = $start and period_end = $end
),

shares as (
    select tech_category, tech_spend_gbp, lines, named_spend_gbp, share_pct, rank, suppliers
    from agg_supplier_shares_by_period
    where supplier_id = $supplier and period_start = $start and period_end = $end
    union all
    select tech_category, tech_spend_gbp, lines, named_spend_gbp, share_pct, rank, suppliers_total
    from top_suppliers_in((
        select [{'period_start': $start, 'period_end': $end, 'publisher_code': null}] where not exists (from offered)
    ), null)
    where supplier_id = $supplier and tech_category is not null
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
