-- The first and last month any demand-summary measure falls in: the choices for the Exports page's month filters.
select
    cast(min(month) as date) as first_month,
    cast(max(month) as date) as last_month
from (
    select payment_month as month from agg_spend_by_borough_month where tech_category is not null
    union all
    select date_trunc('month', expected_date) from demand_items
    where tech_category is not null and confidence = 'statutory notice'
    union all
    select date_trunc('month', contract_end) from demand_items
    where tech_category is not null and confidence = 'inferred from contract end date'
    union all
    select date_trunc('month', opens_on) from challenges where tech_category is not null
)
