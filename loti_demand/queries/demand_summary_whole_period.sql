-- The demand summary over the whole period for one choice of dimensions ($grain, e.g. 'borough,category,quarter'),
-- as the build stored it (demand_summary_in, warehouse/models/measures.sql), in row_no order.
select *
from agg_demand_summary
where grain = $grain
order by row_no
