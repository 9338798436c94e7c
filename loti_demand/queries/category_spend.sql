-- Tech spend per category in the window for the chosen boroughs ($boroughs, NULL = all), largest first, as
-- category_spend_in (warehouse/models/measures.sql) defines it, worked out for a choice the build did not store
-- (category_spend_stored.sql).
select tech_category, tech_category_label, tech_spend_gbp, lines
from category_spend_in([{'period_start': $start, 'period_end': $end, 'publisher_code': null}], $boroughs)
order by tech_spend_gbp desc, tech_category
