-- Every supplier's share of each tech category's London market (supplier_shares_in, measures.sql) for each spend
-- period the pages offer (page_periods). Stored in supplier order, so the Supplier profile reads one supplier's rows
-- from a few row groups instead of grouping every supplier's monthly rows on each visit.
select *
from supplier_shares_in((
    select list({'period_start': period_start, 'period_end': period_end})
    from page_periods
    where kind = 'spend'
))
order by supplier_id, period_start, period_end, tech_category
