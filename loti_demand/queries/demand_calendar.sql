-- The demand calendar: London tech procurements expected to come to market between $date_from and $date_to. A notice
-- is in the window when its date is; an inferred re-procurement when its expected date is on or before $date_to and
-- the contract has not ended by $date_from (one dated before $date_from is placed in the first month). An item
-- dated before $as_of, the data-as-of date, is "already due": a tender whose deadline has passed, or a contract
-- whose re-procurement date has gone by. Filters: an empty list or 'any' means no filter; areas are boroughs' codes, London-wide bodies'
-- publisher codes (GLA, TfL) and 'london_wide' for every buyer that is not a borough. A notice that replaces a
-- current contract names its suppliers, with the reason (calendar_items: demand_items with its label and
-- replacement, stored in this order). tender_end (the bid deadline) and last_release_date (the latest notice) are
-- for the feed and calendar file of the page's rows.
select
    date_trunc('month', greatest(expected_date, $date_from)) as calendar_month,
    expected_date,
    expected_date < $as_of as is_due_now,
    area_name,
    buyer_name,
    title,
    tech_category,
    tech_category_label,
    confidence,
    date_basis,
    value_gbp,
    value_band,
    contract_end,
    incumbent_suppliers,
    incumbent_supplier_id,
    current_contract_end,
    incumbent_match,
    replaces_ocid,
    new_contract_end,
    notice_type,
    case is_sme_suitable when true then 'Yes' when false then 'No' else 'Not stated' end as sme_suitability,
    notice_url,
    ocid,
    tender_end,
    last_release_date
from calendar_items
where expected_date <= $date_to
    and due_until >= $date_from
    and (len($categories) = 0 or list_contains($categories, tech_category))
    and (
        len($areas) = 0
        or list_contains($areas, coalesce(borough_code, 'london_wide'))
        or list_contains($areas, publisher_code)
    )
    and (len($value_bands) = 0 or list_contains($value_bands, value_band))
    and (
        $sme = 'any'
        or ($sme = 'yes' and is_sme_suitable)
        or ($sme = 'no' and not is_sme_suitable)
        or ($sme = 'unknown' and is_sme_suitable is null)
    )
    and ($confidence = 'any' or confidence = $confidence)
order by calendar_month, expected_date, area_name, title, ocid
