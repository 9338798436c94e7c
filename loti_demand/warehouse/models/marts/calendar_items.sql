-- One row per dated London tech procurement of demand_items, with what the Demand calendar shows beside it: its
-- category's label; for a notice, the current contract it replaces (contract_replacements); and the bid deadline
-- and latest notice date its feed entry and calendar event give. Stored in the calendar's order (expected date,
-- area, title, ocid), so the page's query, which keeps a window of it and sorts, finds its rows already in order
-- and reads no other table. Source: demand_items, ref_tech_categories, contract_replacements, procurements.
select
    d.ocid,
    d.expected_date,
    d.due_until,
    d.borough_code,
    d.publisher_code,
    d.area_name,
    d.buyer_name,
    d.title,
    d.tech_category,
    c.label as tech_category_label,
    d.confidence,
    d.date_basis,
    d.value_gbp,
    d.value_band,
    d.is_sme_suitable,
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
    d.url as notice_url,
    p.tender_end,
    p.last_release_date
from demand_items as d
inner join ref_tech_categories as c on d.tech_category = c.tech_category
left join procurements as p on d.ocid = p.ocid
left join contract_replacements as r on d.ocid = r.ocid
where d.expected_date is not null
order by d.expected_date, d.area_name, d.title, d.ocid
