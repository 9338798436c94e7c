-- London contracts (awarded or signed) ending between $from and $to, with the incumbent supplier(s) and when
-- the buyer is expected to go back to market. Rule (inferred, not published): 18 months before the end for
-- contracts of GBP 2m or more (the Procurement Act pipeline horizon), 12 months at or above $threshold_gbp
-- (the procurement threshold) or when the value is unknown, 6 months below it.
-- Optional filters ($x is null = all): $borough_code, $tech_category.
with ending as (
    select
        ocid,
        borough_code,
        buyer_name,
        title,
        tech_category,
        stage,
        supplier_names as incumbent_suppliers,
        coalesce(contract_value_gbp, award_value_gbp, value_gbp) as value_gbp,
        contract_start,
        contract_end,
        url
    from procurements
    where is_london and stage in ('award', 'contract') and contract_end is not null
),

ruled as (
    select
        *,
        case
            when value_gbp >= 2000000 then 18
            when value_gbp >= $threshold_gbp or value_gbp is null then 12
            else 6
        end as lead_months
    from ending
)

select
    ocid,
    borough_code,
    buyer_name,
    title,
    tech_category,
    stage,
    incumbent_suppliers,
    value_gbp,
    contract_start,
    contract_end,
    cast(contract_end - to_months(lead_months) as date) as expected_reprocurement_date,
    lead_months || ' months before the contract ends' as reprocurement_rule,
    url,
    'inferred from contract end date' as confidence
from ruled
where
    contract_end between $from and $to
    and ($borough_code is null or borough_code = $borough_code)
    and ($tech_category is null or tech_category = $tech_category)
order by contract_end, ocid
