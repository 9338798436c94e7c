-- Per tech category: how concentrated the named-supplier spend is in the window, for the chosen boroughs
-- ($boroughs, NULL = all) and category ($category, NULL = every category). HHI = sum of squared % shares.
with by_supplier as (
    select tech_category, supplier_id, sum(amount_gbp) as amount_gbp
    from agg_spend_by_supplier
    where payment_month between $start and $end
        and ($boroughs is null or list_contains($boroughs, borough_code))
        and ($category is null or tech_category = $category)
    group by tech_category, supplier_id
    having sum(amount_gbp) > 0  -- a supplier whose credits exceed its payments has no share of the market
),

shares as (
    select
        tech_category,
        amount_gbp,
        100 * cast(amount_gbp as double) / nullif(sum(amount_gbp) over (partition by tech_category), 0) as share,
        row_number() over (partition by tech_category order by amount_gbp desc, supplier_id) as position
    from by_supplier
)

select
    s.tech_category,
    c.label as tech_category_label,
    sum(s.amount_gbp) as named_spend_gbp,
    count(*) as suppliers,
    sum(s.share * s.share) as hhi,
    sum(s.share) filter (where s.position <= 3) as top3_share_pct
from shares as s
inner join ref_tech_categories as c on s.tech_category = c.tech_category
group by s.tech_category, c.label
order by named_spend_gbp desc, s.tech_category
