-- category_spend.sql's answer as the build stored it (agg_category_spend_by_period) for the spend periods the
-- pages offer, London-wide and for each publisher alone; no rows for any other choice, which category_spend.sql
-- works out.
select tech_category, tech_category_label, tech_spend_gbp, lines
from agg_category_spend_by_period
where period_start = $start
    and period_end = $end
    and publisher_code is not distinct from $boroughs[1]  -- London-wide, or the one publisher chosen
    and coalesce(len($boroughs), 0) <= 1
order by tech_spend_gbp desc, tech_category
