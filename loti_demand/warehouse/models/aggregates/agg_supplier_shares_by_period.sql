-- Every supplier's share of each tech category's London market (top_suppliers_in, measures.sql, with that category
-- chosen) for each spend period the pages offer (page_periods): the Supplier profile's market shares. Stored in
-- supplier order, so the profile reads one supplier's rows from a few row groups instead of ranking every supplier
-- on each visit.
select
    supplier_id,
    period_start,
    period_end,
    tech_category,
    tech_spend_gbp,
    lines,
    named_spend_gbp,
    share_pct,
    rank,
    suppliers_total as suppliers
from top_suppliers_in((
    select list({'period_start': period_start, 'period_end': period_end, 'publisher_code': null})
    from page_periods
    where kind = 'spend'
), null)
where tech_category is not null
order by supplier_id, period_start, period_end, tech_category
