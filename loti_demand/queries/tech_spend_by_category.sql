-- Tech spend by category for the 12 months to $as_of, London-wide.
select
    c.tech_category,
    c.label as tech_category_label,
    coalesce(sum(a.amount_gbp), 0) as tech_spend_gbp,
    coalesce(sum(a.lines), 0) as lines
from ref_tech_categories as c
left join agg_spend_by_borough_month as a
    on a.tech_category = c.tech_category
    and a.payment_month > $as_of - interval 12 month and a.payment_month <= $as_of
group by c.tech_category, c.label, c.sort_order
order by tech_spend_gbp desc, c.sort_order
