-- borough_measures.sql's answer for the window $start..$end and category $category (NULL = all tech) as the build
-- stored it in agg_borough_measures_by_period for the periods the pages offer. No rows when it did not store it.
select * exclude (period_start, period_end, tech_category)
from agg_borough_measures_by_period
where period_start = $start and period_end = $end and tech_category is not distinct from $category
order by borough_name
