-- category_spend.sql's answer as the build stored it (agg_category_spend_by_period) for the spend periods the
-- pages offer, London-wide and for each publisher alone; no rows for any other choice, which category_spend.sql
-- works out.
select tech_category, tech_category_label, tech_spend_gbp, lines
from agg_category_spend_by_period
where period_start = $start
    and period_end = $end
    and stored_for(publisher_code, $boroughs)  -- London-wide, or the one publisher chosen
order by tech_spend_gbp desc, tech_category
