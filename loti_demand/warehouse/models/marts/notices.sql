-- One row per OCDS release (notice) as published, with the buyer resolved to a borough.
-- Source: int_notices (compile_procurements); duplicates and quarantined items stay there for the accounting.
select
    -- ids
    ocid,
    release_id,
    release_date,
    tags,
    -- buyer
    buyer_id,
    buyer_name,
    borough_code,
    publisher_code,
    is_london,
    buyer_match,
    -- what
    stage,
    notice_type,
    notice_type_reason,
    title,
    description,
    cpv_code,
    tech_category,
    classification_reason,
    -- money
    value_gbp,
    award_value_gbp,
    contract_value_gbp,
    supplier_names,
    -- dates
    tender_start,
    tender_end,
    contract_start,
    contract_end,
    expected_market_date,
    -- flags and links
    is_sme_suitable,
    status,
    url,
    value_problems,
    -- provenance
    source_file,
    source_row
from int_notices
where load_status = 'loaded'
order by ocid, release_date, source_file, source_row
