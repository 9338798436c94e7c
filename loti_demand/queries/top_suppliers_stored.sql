-- The largest named suppliers of tech in the window $start..$end for every borough and category $category
-- (NULL = all tech), as the build stored the first stored_supplier_ranks() of them (agg_suppliers_by_period) for the
-- spend periods the pages offer: $limit + 1 rows, so the page can say there are more. No rows for any other choice
-- ($boroughs chosen, another window, more ranks than stored), which top_suppliers.sql works out.
select * exclude (period_start, period_end, tech_category, window_spend_gbp, named_spend_gbp)
from agg_suppliers_by_period
where $boroughs is null
    and $limit + 1 <= stored_supplier_ranks()
    and period_start = $start
    and period_end = $end
    and tech_category is not distinct from $category
    and rank <= $limit + 1
order by rank
