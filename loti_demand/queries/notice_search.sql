-- London procurement notices a word search finds ($clauses, see loti_demand.search), latest notice first: past
-- and upcoming, technology or not (the Demand calendar shows only the tech procurements still to come).
-- One row per procurement (ocid) in its latest state; at most $limit rows. Awarded suppliers are named as
-- procurement_suppliers names them; supplier_id is the first-named one's (its profile). The notices are found
-- first, so only their awards' suppliers are grouped.
with found as (
    select
        p.ocid,
        p.last_release_date
    from search_documents as s
    inner join procurements as p on s.doc_id = p.ocid
    where s.kind = 'notice' and len($clauses) > 0 and search_match(s.stems, $clauses)
    order by p.last_release_date desc nulls last, p.ocid
    limit $limit
),

winners as (
    select
        ocid,
        supplier_names(supplier_name, position) as supplier_names,
        first_supplier_id(supplier_id, position) as supplier_id
    from procurement_suppliers
    where ocid in (select ocid from found)
    group by ocid
)

select
    p.ocid,
    cast(p.last_release_date as date) as last_notice_date,
    coalesce(b.borough_name, pub.publisher_name, 'London-wide body') as area_name,
    p.buyer_name,
    p.title,
    c.label as tech_category_label,
    p.notice_type,
    p.status,
    p.value_gbp,
    w.supplier_names,
    w.supplier_id,
    p.tender_end,
    p.contract_end,
    case when regexp_matches(p.url, '^https?://') then p.url end as notice_url,
    s.text as search_text
from found as f
inner join procurements as p on f.ocid = p.ocid
inner join search_documents as s on s.kind = 'notice' and f.ocid = s.doc_id
left join boroughs as b on p.borough_code = b.borough_code
left join publishers as pub on p.publisher_code = pub.publisher_code
left join ref_tech_categories as c on p.tech_category = c.tech_category
left join winners as w on p.ocid = w.ocid
order by p.last_release_date desc nulls last, p.ocid
