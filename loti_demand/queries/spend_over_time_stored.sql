-- spend_over_time.sql's answer as the build stored it (agg_spend_over_time_by_period) for the spend periods the
-- pages offer, London-wide and for each publisher alone; no rows for any other choice, which spend_over_time.sql
-- works out.
select grain_start as period_start, tech_category, tech_category_label, tech_spend_gbp, lines
from agg_spend_over_time_by_period
where period_start = $start
    and period_end = $end
    and grain = $grain
    and ($category is null or tech_category = $category)
    and stored_for(publisher_code, $boroughs)  -- London-wide, or the one publisher chosen
order by grain_start, sort_order
