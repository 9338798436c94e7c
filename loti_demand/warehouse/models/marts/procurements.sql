-- One row per procurement process (OCDS ocid): its latest state, compiled from all its releases by ocdsmerge.
-- Source: int_procurements (compile_procurements). stage is the furthest any release reached.
select
    -- ids and buyer
    ocid,
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
    -- history
    release_count,
    first_release_date,
    last_release_date,
    merge_problem,
    value_problems
from int_procurements
order by ocid
