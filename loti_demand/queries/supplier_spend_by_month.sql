-- One supplier's ($supplier) tech spend per month and tech category in the window $start..$end, London-wide.
select
    a.payment_month as period_start,
    a.tech_category,
    c.label as tech_category_label,
    sum(a.amount_gbp) as tech_spend_gbp,
    cast(sum(a.lines) as bigint) as lines
from agg_spend_by_supplier as a
inner join ref_tech_categories as c on a.tech_category = c.tech_category
where a.supplier_id = $supplier and a.payment_month between $start and $end
group by all
order by period_start, cast(any_value(c.sort_order) as integer)
