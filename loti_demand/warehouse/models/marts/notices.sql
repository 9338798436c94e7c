-- One row per OCDS release (notice) as published, with the buyer resolved to a borough.
select
    -- ids
    ocid,
    release_id,
    try_cast(release_date as timestamp) as release_date,
    tags,
    -- buyer
    buyer_id,
    buyer_name,
    borough_code,
    is_london,
    -- what and when
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
    -- provenance
    source_file,
    source_row
from int_notices
order by ocid, release_date
