-- Per tech category: how concentrated the named-supplier spend is in the window $start..$end, for the chosen
-- boroughs ($boroughs, NULL = all) and category ($category, NULL = every category), as supplier_concentration_in
-- (warehouse/models/measures.sql) defines it. For every borough over a spend period the pages offer the build
-- stored the answer (agg_concentration_by_period), read here; any other choice is worked out.
with stored as (
    select * exclude (period_start, period_end)
    from agg_concentration_by_period
    where $boroughs is null
        and period_start = $start
        and period_end = $end
        and ($category is null or tech_category = $category)
)

select * from stored
union all
select * exclude (period_start, period_end)
from supplier_concentration_in((
    select [{'period_start': $start, 'period_end': $end}] where not exists (from stored)
), $boroughs, $category)
order by named_spend_gbp desc, tech_category
