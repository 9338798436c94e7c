-- Every London award notice naming the supplier $supplier, latest first, tech or not, ended or not: the buyer,
-- what it was for, the value awarded (else the estimate) and the contract period.
with won as (
    select distinct ocid from procurement_suppliers where supplier_id = $supplier
),

winners as (
    select ocid, supplier_names(supplier_name, position) as supplier_names
    from procurement_suppliers
    where ocid in (select ocid from won)
    group by ocid
)

select
    cast(p.last_release_date as date) as last_notice_date,
    coalesce(b.borough_name, pub.publisher_name, 'London-wide body') as area_name,
    p.title,
    coalesce(c.label, 'Not technology') as tech_category_label,
    p.status,
    coalesce(p.award_value_gbp, p.contract_value_gbp, p.value_gbp) as award_value_gbp,
    w.supplier_names,
    p.contract_start,
    p.contract_end,
    case when regexp_matches(p.url, '^https?://') then p.url end as notice_url,
    p.ocid
from procurements as p
inner join winners as w on p.ocid = w.ocid
left join boroughs as b on p.borough_code = b.borough_code
left join publishers as pub on p.publisher_code = pub.publisher_code
left join ref_tech_categories as c on p.tech_category = c.tech_category
order by p.last_release_date desc nulls last, p.ocid
