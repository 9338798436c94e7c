-- London contracts (awarded or signed) ending between $from and $to, with the incumbent supplier(s) and when
-- the buyer is expected to go back to market. The re-procurement rule is applied once, in the demand_items
-- mart (metrics.REPROCUREMENT): this query reads its inferred items.
-- Optional filters ($x is null = all): $borough_code, $tech_category.
select
    d.ocid,
    d.borough_code,
    d.buyer_name,
    d.title,
    d.tech_category,
    d.stage,
    p.supplier_names as incumbent_suppliers,
    d.value_gbp,
    p.contract_start,
    d.contract_end,
    d.expected_date as expected_reprocurement_date,
    d.date_basis as reprocurement_rule,
    d.url,
    d.confidence
from demand_items as d
inner join procurements as p on d.ocid = p.ocid
where
    d.confidence = 'inferred from contract end date'
    and d.contract_end between $from and $to
    and ($borough_code is null or d.borough_code = $borough_code)
    and ($tech_category is null or d.tech_category = $tech_category)
order by d.contract_end, d.ocid
