-- One row per borough: every map measure for the window $start..$end and tech category $category (NULL = all
-- tech), as borough_measures_in (warehouse/models/measures.sql) defines them. For a window the pages offer the
-- build stored the answer (agg_borough_measures_by_period), read here; any other window is worked out.
with stored as (
    select * exclude (period_start, period_end, tech_category)
    from agg_borough_measures_by_period
    where period_start = $start and period_end = $end and tech_category is not distinct from $category
)

select * from stored
union all
select * exclude (period_start, period_end, tech_category)
from borough_measures_in((
    select [{'period_start': $start, 'period_end': $end, 'tech_category': $category}]
    where not exists (from stored)
))
order by borough_name
