-- top_suppliers.sql's answer for every borough over a spend period the pages offer, as the build stored it in
-- agg_suppliers_by_period: the first $limit + 1 ranks for the window and category ($category, NULL = all tech).
-- No rows when the build did not store this window.
select rank, supplier_id, supplier_name, tech_spend_gbp, share_pct, lines, boroughs, suppliers_total
from agg_suppliers_by_period
where period_start = $start
    and period_end = $end
    and tech_category is not distinct from $category
    and rank <= $limit + 1
order by rank
