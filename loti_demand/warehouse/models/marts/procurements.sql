-- One row per procurement process (OCDS ocid): its latest state, compiled from all its releases by ocdsmerge.
select
    ocid,
    buyer_name,
    borough_code,
    is_london,
    stage,
    notice_type,
    title,
    description,
    cpv_code,
    tech_category,
    classification_reason,
    value_gbp,
    award_value_gbp,
    supplier_names,
    cast(try_cast(tender_start as timestamp) as date) as tender_start,
    cast(try_cast(tender_end as timestamp) as date) as tender_end,
    cast(try_cast(contract_start as timestamp) as date) as contract_start,
    cast(try_cast(contract_end as timestamp) as date) as contract_end,
    cast(try_cast(expected_market_date as timestamp) as date) as expected_market_date,
    is_sme_suitable,
    status,
    url,
    release_count,
    try_cast(last_release_date as timestamp) as last_release_date
from int_procurements
order by ocid
