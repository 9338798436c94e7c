-- Tech spend per category in the window for the chosen boroughs ($boroughs, NULL = all), largest first.
select
    c.tech_category,
    c.label as tech_category_label,
    sum(a.amount_gbp) as tech_spend_gbp,
    cast(sum(a.lines) as bigint) as lines
from agg_spend_by_borough_month as a
inner join ref_tech_categories as c on a.tech_category = c.tech_category
where a.payment_month between $start and $end
    and ($boroughs is null or list_contains($boroughs, a.publisher_code))
group by c.tech_category, c.label
order by tech_spend_gbp desc, c.tech_category
