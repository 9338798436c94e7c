-- The largest suppliers (top_suppliers_in, measures.sql) in each window of int_spend_windows (each spend period the
-- pages offer, London-wide (publisher_code NULL) and for each publisher alone), for each tech category and all tech
-- (NULL): the first stored_supplier_ranks() of each, so the Spend page and the Borough profile read their top N (at
-- most 50, plus one to say there are more) instead of grouping the monthly mart per click. Stored in window order,
-- so a page's read touches only its window's row groups (zone maps).
select *
from top_suppliers_in((
    select list({'period_start': period_start, 'period_end': period_end, 'publisher_code': publisher_code})
    from int_spend_windows
), null)
where rank <= stored_supplier_ranks()
order by period_start, period_end, publisher_code nulls first, tech_category nulls first, rank
