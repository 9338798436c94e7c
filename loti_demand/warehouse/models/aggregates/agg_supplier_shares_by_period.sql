-- Each supplier's share of each tech category's London market (queries/supplier_category_share.sql) for each spend
-- period the pages offer (page_periods): its tech spend in the category, as a share of the category's named-supplier
-- spend (suppliers whose credits exceed their payments have no share and are left out of the base), its rank and
-- how many suppliers the category has. Stored in supplier order, so the Supplier profile reads one supplier's rows
-- from a few row groups instead of grouping every supplier's monthly rows on each visit.
with by_supplier as (
    select
        p.period_start,
        p.period_end,
        s.tech_category,
        s.supplier_id,
        sum(s.amount_gbp) as tech_spend_gbp,
        cast(sum(s.lines) as bigint) as lines
    from page_periods as p
    inner join agg_spend_by_supplier as s on s.payment_month between p.period_start and p.period_end
    where p.kind = 'spend'
    group by p.period_start, p.period_end, s.tech_category, s.supplier_id
),

ranked as (
    select
        *,
        sum(tech_spend_gbp) filter (where tech_spend_gbp > 0) over category_rows as named_spend_gbp,
        row_number() over (category_rows order by tech_spend_gbp desc, supplier_id) as rank,
        count(*) over category_rows as suppliers
    from by_supplier
    window category_rows as (partition by period_start, period_end, tech_category)
)

select
    supplier_id,
    period_start,
    period_end,
    tech_category,
    tech_spend_gbp,
    lines,
    named_spend_gbp,
    case when tech_spend_gbp > 0 then 100 * cast(tech_spend_gbp as double) / named_spend_gbp end as share_pct,
    rank,
    suppliers
from ranked
order by supplier_id, period_start, period_end, tech_category
