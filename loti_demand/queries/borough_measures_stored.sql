-- One row per borough: every map measure for the window $start..$end and tech category $category (NULL = all
-- tech) as the build stored them (agg_borough_measures_by_period) for the windows the pages offer; no rows for any
-- other window, which borough_measures.sql works out.
select * exclude (period_start, period_end, tech_category)
from agg_borough_measures_by_period
where period_start = $start and period_end = $end and tech_category is not distinct from $category
order by borough_name
