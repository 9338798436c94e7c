-- Tech spend per $grain (month or quarter) and tech category in the window, for the chosen boroughs
-- ($boroughs, NULL = all) and category ($category, NULL = all tech), as spend_over_time_in
-- (warehouse/models/measures.sql) defines it, worked out for a choice the build did not store
-- (spend_over_time_stored.sql).
select grain_start as period_start, tech_category, tech_category_label, tech_spend_gbp, lines
from spend_over_time_in(
    [{'period_start': $start, 'period_end': $end, 'publisher_code': null, 'grain': $grain}], $boroughs
)
where $category is null or tech_category = $category
order by grain_start, sort_order
