-- One row: the first and last months of spend data, for the period choices the pages offer.
select
    min(payment_month) as first_spend_month,
    max(payment_month) as last_spend_month
from agg_spend_by_borough_month
