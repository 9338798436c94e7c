-- One supplier's ($supplier) tech spend in the window $start..$end per publisher (a borough, or a London-wide body
-- such as the GLA), largest first. Redacted payees are never a supplier's (agg_spend_by_supplier leaves them out).
select
    a.publisher_code,
    p.publisher_name as area_name,
    p.borough_code is null as is_london_wide,
    sum(a.amount_gbp) as tech_spend_gbp,
    cast(sum(a.lines) as bigint) as lines,
    count(distinct a.payment_month) as months_paid
from agg_spend_by_supplier as a
inner join publishers as p on a.publisher_code = p.publisher_code
where a.supplier_id = $supplier and a.payment_month between $start and $end
group by a.publisher_code, p.publisher_name, p.borough_code
order by tech_spend_gbp desc, a.publisher_code
