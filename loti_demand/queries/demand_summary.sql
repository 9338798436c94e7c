-- The demand summary for one choice of dimensions (the $by_* flags) and months $month_from..$month_to (NULL =
-- open), as demand_summary_in (warehouse/models/measures.sql) defines it: the build stores its answer over the
-- whole period for every choice (agg_demand_summary, read by demand_summary_whole_period.sql). Rows come
-- unordered; row_no numbers them by the chosen dimensions.
select *
from demand_summary_in([{
    'by_borough': $by_borough,
    'by_category': $by_category,
    'by_month': $by_month,
    'by_quarter': $by_quarter,
    'by_financial_year': $by_financial_year
}], $month_from, $month_to)
