-- supplier_concentration.sql's answer for every borough over a spend period the pages offer, as the build stored
-- it in agg_concentration_by_period, for the chosen category ($category, NULL = every category).
-- No rows when the build did not store this window.
select tech_category, tech_category_label, named_spend_gbp, suppliers, hhi, top3_share_pct
from agg_concentration_by_period
where period_start = $start
    and period_end = $end
    and ($category is null or tech_category = $category)
order by named_spend_gbp desc, tech_category
