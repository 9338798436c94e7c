-- The dates page_periods.py works the pages' periods out from: the first and last months of spend data, and the
-- data-as-of date (NULL when the warehouse holds no dated data).
select
    (select min(payment_month) from agg_spend_by_borough_month) as first_spend_month,
    (select max(payment_month) from agg_spend_by_borough_month) as last_spend_month,
    (select data_as_of from build_info) as data_as_of
