-- The demand calendar: London tech procurements expected to come to market between $date_from and $date_to.
-- A notice is in the window when its date is; an inferred re-procurement when its expected date is on or before
-- $date_to and the contract has not ended by $date_from (one whose date has already passed is "already due" and
-- is placed in the first month). Filters: an empty list or 'any' means no filter; areas use 'london_wide' for
-- buyers that are not boroughs. A notice that replaces a current contract names its suppliers, with the reason.
select
    date_trunc('month', greatest(d.expected_date, $date_from)) as calendar_month,
    d.expected_date,
    d.expected_date < $date_from as is_due_now,
    d.area_name,
    d.buyer_name,
    d.title,
    d.tech_category,
    c.label as tech_category_label,
    d.confidence,
    d.date_basis,
    d.value_gbp,
    d.value_band,
    d.contract_end,
    -- the current contract: an inferred item's own; for a notice, the one it replaces (contract_replacements)
    coalesce(d.incumbent_suppliers, r.incumbent_suppliers) as incumbent_suppliers,
    coalesce(d.incumbent_supplier_id, r.incumbent_supplier_id) as incumbent_supplier_id,
    case when d.confidence = 'statutory notice' then r.current_contract_end else d.contract_end end
        as current_contract_end,
    r.match_reason as incumbent_match,
    r.replaces_ocid,
    case when d.confidence = 'statutory notice' then d.contract_end end as new_contract_end,
    d.notice_type,
    case d.is_sme_suitable when true then 'Yes' when false then 'No' else 'Not stated' end as sme_suitability,
    d.url as notice_url,
    d.ocid
from demand_items as d
inner join ref_tech_categories as c on d.tech_category = c.tech_category
left join contract_replacements as r on d.ocid = r.ocid
where d.expected_date <= $date_to
    and d.due_until >= $date_from
    and (len($categories) = 0 or list_contains($categories, d.tech_category))
    and (len($areas) = 0 or list_contains($areas, coalesce(d.borough_code, 'london_wide')))
    and (len($value_bands) = 0 or list_contains($value_bands, d.value_band))
    and (
        $sme = 'any'
        or ($sme = 'yes' and d.is_sme_suitable)
        or ($sme = 'no' and not d.is_sme_suitable)
        or ($sme = 'unknown' and d.is_sme_suitable is null)
    )
    and ($confidence = 'any' or d.confidence = $confidence)
order by calendar_month, d.expected_date, d.area_name, d.title, d.ocid
