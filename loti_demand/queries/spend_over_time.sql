-- Tech spend per $grain (month or quarter) and tech category in the window, for the chosen boroughs
-- ($boroughs, NULL = all) and category ($category, NULL = all tech).
select
    cast(date_trunc($grain, a.payment_month) as date) as period_start,
    a.tech_category,
    c.label as tech_category_label,
    sum(a.amount_gbp) as tech_spend_gbp,
    cast(sum(a.lines) as bigint) as lines
from agg_spend_by_borough_month as a
inner join ref_tech_categories as c on a.tech_category = c.tech_category
where a.payment_month between $start and $end
    and ($boroughs is null or list_contains($boroughs, a.publisher_code))
    and ($category is null or a.tech_category = $category)
group by all
order by period_start, cast(any_value(c.sort_order) as integer)
