-- One borough's or London-wide body's ($borough, a publisher code) tech pipeline in the window: the statutory
-- notices of demand_items by the in_pipeline rule, dated as the Demand calendar dates them.
select
    d.expected_date,
    d.date_basis,
    d.title,
    d.notice_type,
    c.label as tech_category_label,
    d.value_gbp,
    case d.is_sme_suitable when true then 'Yes' when false then 'No' else 'Not stated' end as sme_suitability,
    d.url
from demand_items as d
inner join ref_tech_categories as c on d.tech_category = c.tech_category
where d.publisher_code = $borough
    and in_pipeline(d.confidence, d.expected_date, $start, $end)
order by d.expected_date, d.title, d.ocid
