-- Awarded tech contracts of one borough ($borough) whose end date falls in the window: renewals to come.
select
    p.contract_end,
    p.title,
    p.supplier_names,
    c.label as tech_category_label,
    p.award_value_gbp,
    p.url
from procurements as p
inner join ref_tech_categories as c on p.tech_category = c.tech_category
where p.borough_code = $borough
    and p.stage in ('award', 'contract')
    and p.contract_end between $start and $end
order by p.contract_end, p.title
