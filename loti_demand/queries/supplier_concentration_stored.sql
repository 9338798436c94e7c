-- Per tech category: how concentrated the named-supplier spend is in the window $start..$end for every borough
-- and category $category (NULL = every category), as the build stored it (agg_concentration_by_period) for the
-- spend periods the pages offer. No rows for any other choice ($boroughs chosen, another window), which
-- supplier_concentration.sql works out.
select * exclude (period_start, period_end)
from agg_concentration_by_period
where $boroughs is null
    and period_start = $start
    and period_end = $end
    and ($category is null or tech_category = $category)
order by named_spend_gbp desc, tech_category
