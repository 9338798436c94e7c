-- The largest named suppliers of tech in the window $start..$end for the chosen boroughs ($boroughs, NULL = all)
-- and category ($category, NULL = all tech), with market share, as top_suppliers_in (warehouse/models/measures.sql)
-- defines them. Returns $limit + 1 rows so the page can say there are more; suppliers_total counts them all. For
-- every borough over a spend period the pages offer the build stored the first stored_supplier_ranks()
-- (agg_suppliers_by_period), read here when they are enough; any other choice is worked out.
with stored as (
    select * exclude (period_start, period_end, tech_category, window_spend_gbp, named_spend_gbp)
    from agg_suppliers_by_period
    where $boroughs is null
        and $limit + 1 <= stored_supplier_ranks()
        and period_start = $start
        and period_end = $end
        and tech_category is not distinct from $category
        and rank <= $limit + 1
)

select * from stored
union all
select * exclude (period_start, period_end, tech_category, window_spend_gbp, named_spend_gbp)
from top_suppliers_in((
    select [{'period_start': $start, 'period_end': $end}] where not exists (from stored)
), $boroughs)
where tech_category is not distinct from $category and rank <= $limit + 1
order by rank
