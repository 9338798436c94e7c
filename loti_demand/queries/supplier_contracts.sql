-- The London contracts the supplier $supplier holds (awarded contracts of demand_items naming it) that had not
-- ended by $date_from (or give no end date), soonest ending first: when each ends, when the buyer is expected to go
-- back to market (the Demand calendar's rule; already due when that is before $as_of, the data-as-of date), and the upcoming notice that looks like its re-procurement
-- (contract_replacements), if any: looked up for the supplier's contracts alone.
with held as (
    select distinct ocid from procurement_suppliers where supplier_id = $supplier
),

replacements as (
    select
        r.replaces_ocid,
        arg_min(d.title, d.expected_date) as replacement_title,
        arg_min(d.url, d.expected_date) as replacement_url,
        min(d.expected_date) as replacement_date
    from contract_replacements as r
    inner join demand_items as d on r.ocid = d.ocid
    where r.replaces_ocid in (select ocid from held)
    group by r.replaces_ocid
)

select
    d.contract_end,
    d.expected_date as reprocurement_date,
    d.expected_date < $as_of as is_due_now,
    d.area_name,
    d.title,
    coalesce(c.label, 'Not technology') as tech_category_label,
    d.value_gbp,
    d.incumbent_suppliers as supplier_names,
    r.replacement_date,
    r.replacement_title,
    r.replacement_url,
    d.url as notice_url,
    d.ocid
from demand_items as d
inner join held as h on d.ocid = h.ocid
left join ref_tech_categories as c on d.tech_category = c.tech_category
left join replacements as r on d.ocid = r.replaces_ocid
where d.confidence = 'inferred from contract end date' and (d.contract_end is null or d.contract_end >= $date_from)
order by d.contract_end nulls last, d.title, d.ocid
