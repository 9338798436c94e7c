-- The largest suppliers London-wide (top_suppliers_in, measures.sql) for each spend period the pages offer
-- (page_periods) and tech category (NULL = all tech): the first stored_supplier_ranks() of each, so the Spend page
-- reads its top N (at most 50, plus one to say there are more) instead of grouping the monthly mart per click.
select *
from top_suppliers_in((
    select list({'period_start': period_start, 'period_end': period_end})
    from page_periods
    where kind = 'spend'
), null)
where rank <= stored_supplier_ranks()
