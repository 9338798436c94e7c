-- The largest named suppliers of tech in the window $start..$end for the chosen boroughs ($boroughs, NULL = all)
-- and category ($category, NULL = all tech), with market share, as top_suppliers_in (warehouse/models/measures.sql)
-- defines them, worked out for a choice the build did not store (top_suppliers_stored.sql). Returns $limit + 1
-- rows so the page can say there are more; suppliers_total counts them all.
select * exclude (period_start, period_end, publisher_code, tech_category, window_spend_gbp, named_spend_gbp)
from top_suppliers_in([{'period_start': $start, 'period_end': $end, 'publisher_code': null}], $boroughs)
where tech_category is not distinct from $category and rank <= $limit + 1
order by rank
