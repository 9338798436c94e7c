-- The largest named suppliers of tech in the window $start..$end and category $category (NULL = all tech), as the
-- build stored the first stored_supplier_ranks() of them (agg_suppliers_by_period) for the spend periods the pages
-- offer, London-wide and for each publisher alone: $limit + 1 rows, so the page can say there are more. No rows for
-- any other choice (several boroughs, another window, more ranks than stored), which top_suppliers.sql works out.
select * exclude (period_start, period_end, publisher_code, tech_category, window_spend_gbp, named_spend_gbp)
from agg_suppliers_by_period
where period_start = $start
    and period_end = $end
    and stored_for(publisher_code, $boroughs)  -- London-wide, or the one publisher chosen
    and tech_category is not distinct from $category
    and $limit + 1 <= stored_supplier_ranks()
    and rank <= $limit + 1
order by rank
