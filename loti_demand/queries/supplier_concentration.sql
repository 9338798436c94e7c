-- Per tech category: how concentrated the named-supplier spend is in the window $start..$end, for the chosen
-- boroughs ($boroughs, NULL = all) and category ($category, NULL = every category), as supplier_concentration_in
-- (warehouse/models/measures.sql) defines it, worked out for a choice the build did not store
-- (supplier_concentration_stored.sql).
select * exclude (period_start, period_end)
from supplier_concentration_in([{'period_start': $start, 'period_end': $end}], $boroughs, $category)
order by named_spend_gbp desc, tech_category
