-- Tech spend by category in $spend_start..$spend_end (the latest 12 months of spend data), London-wide.
select
    c.tech_category,
    c.label as tech_category_label,
    coalesce(sum(a.amount_gbp), 0) as tech_spend_gbp,
    coalesce(sum(a.lines), 0) as lines
from ref_tech_categories as c
left join agg_spend_by_borough_month as a
    on a.tech_category = c.tech_category
    and a.payment_month between $spend_start and $spend_end
group by c.tech_category, c.label, c.sort_order
order by tech_spend_gbp desc, c.sort_order
