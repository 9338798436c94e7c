-- spend_summary.sql's answer as the build stored it (agg_spend_summary_by_period) for the spend periods the pages
-- offer, London-wide and for each publisher alone; no rows for any other choice, which spend_summary.sql works out.
select * exclude (period_start, period_end, publisher_code, tech_category)
from agg_spend_summary_by_period
where period_start = $start
    and period_end = $end
    and tech_category is not distinct from $category
    and stored_for(publisher_code, $boroughs)  -- London-wide, or the one publisher chosen
