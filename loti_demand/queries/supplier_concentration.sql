-- Per tech category: how concentrated the named-supplier spend is in the window, for the chosen boroughs
-- ($boroughs, NULL = all) and category ($category, NULL = every category). HHI = sum of squared % shares.
with by_supplier as (
    select tech_category, sum(amount_gbp) as amount_gbp
    from agg_spend_by_supplier
    where payment_month between $start and $end
        and ($boroughs is null or list_contains($boroughs, publisher_code))
        and ($category is null or tech_category = $category)
    group by tech_category, supplier_key
    having sum(amount_gbp) > 0  -- a supplier whose credits exceed its payments has no share of the market
),

totals as (
    select
        tech_category,
        sum(amount_gbp) as named_spend_gbp,
        count(*) as suppliers,
        max(amount_gbp, 3) as top3_amounts  -- the three largest
    from by_supplier
    group by tech_category
)

select
    t.tech_category,
    c.label as tech_category_label,
    t.named_spend_gbp,
    t.suppliers,
    sum(pow(100 * cast(s.amount_gbp as double) / t.named_spend_gbp, 2)) as hhi,
    list_sum(list_transform(t.top3_amounts, lambda a: 100 * cast(a as double) / t.named_spend_gbp)) as top3_share_pct
from by_supplier as s
inner join totals as t on s.tech_category = t.tech_category
inner join ref_tech_categories as c on t.tech_category = c.tech_category
group by all
order by t.named_spend_gbp desc, t.tech_category
