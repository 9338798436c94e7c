-- The largest suppliers (top_suppliers_in, measures.sql) for each spend period the pages offer (page_periods),
-- London-wide (publisher_code NULL) and for each publisher alone, and tech category (NULL = all tech): the first
-- stored_supplier_ranks() of each, so the Spend page and the Borough profile read their top N (at most 50, plus one
-- to say there are more) instead of grouping the monthly mart per click. Stored in window order, so a page's read
-- touches only its window's row groups (zone maps).
select *
from top_suppliers_in((
    select list({'period_start': w.period_start, 'period_end': w.period_end, 'publisher_code': p.publisher_code})
    from (select period_start, period_end from page_periods where kind = 'spend') as w
    cross join (
        select null as publisher_code
        union all
        select distinct publisher_code from agg_spend_by_supplier
    ) as p
), null)
where rank <= stored_supplier_ranks()
order by period_start, period_end, publisher_code nulls first, tech_category nulls first, rank
