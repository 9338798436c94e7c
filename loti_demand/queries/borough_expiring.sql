-- One borough's or London-wide body's ($borough, a publisher code) awarded tech contracts ending in the window
-- (demand_items by the expires_in rule): renewals to come, with the current suppliers under their resolved names.
select
    d.contract_end,
    d.title,
    d.incumbent_suppliers,
    d.incumbent_supplier_id,
    c.label as tech_category_label,
    d.value_gbp,
    d.url
from demand_items as d
inner join ref_tech_categories as c on d.tech_category = c.tech_category
where d.publisher_code = $borough
    and expires_in(d.confidence, d.contract_end, $start, $end)
order by d.contract_end, d.title, d.ocid
