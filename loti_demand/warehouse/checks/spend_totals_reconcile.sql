-- Each file's loaded total equals the sum of its lines in `spend`, and the aggregates equal `spend`. A path
-- ingested twice has two source_files rows (the second all duplicates), so totals are compared per path. The stored
-- demand summary holds all 16 of its grains (or none, when there is no tech demand), each adding up to the tech
-- spend. So does each spend period's stored supplier spend (agg_suppliers_by_period), all tech and by category, to the
-- monthly mart over the same months, and its stored London-wide spend questions: the headline
-- (agg_spend_summary_by_period), the categories (agg_category_spend_by_period) and the months and quarters
-- (agg_spend_over_time_by_period).
with by_file as (
    select source_file, sum(amount_gbp) as amount_gbp from spend group by source_file
),

files as (
    select path, sum(total_amount_gbp) as total_amount_gbp
    from source_files
    where kind = 'spend' and status = 'loaded'
    group by path
),

tech_spend as (
    select coalesce(sum(amount_gbp), 0) as amount_gbp from spend where tech_category is not null
),

supplier_windows as (
    select
        p.period_start,
        p.period_end,
        (select coalesce(sum(m.amount_gbp), 0) from agg_spend_by_supplier as m
            where m.payment_month between p.period_start and p.period_end) as monthly_gbp,
        (select coalesce(any_value(s.window_spend_gbp), 0) from agg_suppliers_by_period as s
            where s.period_start = p.period_start and s.period_end = p.period_end and s.publisher_code is null
                and s.tech_category is null) as all_tech_gbp,
        (select coalesce(sum(c.window_spend_gbp), 0) from (
            select any_value(s.window_spend_gbp) as window_spend_gbp from agg_suppliers_by_period as s
            where s.period_start = p.period_start and s.period_end = p.period_end and s.publisher_code is null
                and s.tech_category is not null
            group by s.tech_category) as c) as by_category_gbp
    from page_periods as p
    where p.kind = 'spend'
),

spend_windows as (
    select
        p.period_start,
        p.period_end,
        (select coalesce(sum(m.amount_gbp), 0) from agg_spend_by_borough_month as m
            where m.payment_month between p.period_start and p.period_end and m.tech_category is not null)
            as monthly_gbp,
        (select coalesce(any_value(s.tech_spend_gbp), 0) from agg_spend_summary_by_period as s
            where s.period_start = p.period_start and s.period_end = p.period_end and s.publisher_code is null
                and s.tech_category is null) as summary_gbp,
        (select coalesce(sum(c.tech_spend_gbp), 0) from agg_category_spend_by_period as c
            where c.period_start = p.period_start and c.period_end = p.period_end and c.publisher_code is null)
            as categories_gbp,
        (select coalesce(sum(o.tech_spend_gbp), 0) from agg_spend_over_time_by_period as o
            where o.period_start = p.period_start and o.period_end = p.period_end and o.publisher_code is null
                and o.grain = 'month') as months_gbp,
        (select coalesce(sum(o.tech_spend_gbp), 0) from agg_spend_over_time_by_period as o
            where o.period_start = p.period_start and o.period_end = p.period_end and o.publisher_code is null
                and o.grain = 'quarter') as quarters_gbp
    from page_periods as p
    where p.kind = 'spend'
)

select f.path, f.total_amount_gbp, b.amount_gbp
from files as f
left join by_file as b on f.path = b.source_file
where f.total_amount_gbp <> coalesce(b.amount_gbp, 0)

union all

select 'agg_spend_by_borough_month', (select sum(amount_gbp) from agg_spend_by_borough_month),
    (select sum(amount_gbp) from spend)
where (select coalesce(sum(amount_gbp), 0) from agg_spend_by_borough_month)
    <> (select coalesce(sum(amount_gbp), 0) from spend)

union all

select 'agg_spend_by_supplier', (select sum(amount_gbp) from agg_spend_by_supplier),
    (select sum(amount_gbp) from spend where tech_category is not null and not is_redacted)
where (select coalesce(sum(amount_gbp), 0) from agg_spend_by_supplier)
    <> (select coalesce(sum(amount_gbp), 0) from spend where tech_category is not null and not is_redacted)

union all

select 'agg_supplier_totals', (select sum(tech_spend_gbp) from agg_supplier_totals),
    (select sum(amount_gbp) from agg_spend_by_supplier where supplier_id is not null)
where (select coalesce(sum(tech_spend_gbp), 0) from agg_supplier_totals)
    <> (select coalesce(sum(amount_gbp), 0) from agg_spend_by_supplier where supplier_id is not null)

union all

select 'agg_supplier_shares_by_period ' || p.period_start || ' to ' || p.period_end,
    any_value(stored.amount_gbp), coalesce(sum(s.amount_gbp), 0)
from page_periods as p
left join agg_spend_by_supplier as s on s.payment_month between p.period_start and p.period_end
left join (
    select period_start, period_end, sum(tech_spend_gbp) as amount_gbp
    from agg_supplier_shares_by_period
    group by period_start, period_end
) as stored on p.period_start = stored.period_start and p.period_end = stored.period_end
where p.kind = 'spend'
group by p.period_start, p.period_end
having coalesce(any_value(stored.amount_gbp), 0) <> coalesce(sum(s.amount_gbp), 0)

union all

select 'agg_demand_summary ' || d.grain, sum(d.tech_spend_gbp), any_value(t.amount_gbp)
from agg_demand_summary as d
cross join tech_spend as t
group by d.grain
having sum(d.tech_spend_gbp) <> any_value(t.amount_gbp)

union all

select 'agg_demand_summary grains', count(distinct grain), 16
from agg_demand_summary
having count(distinct grain) not in (0, 16)

union all

select 'agg_suppliers_by_period ' || strftime(period_start, '%Y-%m') || ' to ' || strftime(period_end, '%Y-%m'),
    all_tech_gbp, monthly_gbp
from supplier_windows
where all_tech_gbp <> monthly_gbp or by_category_gbp <> monthly_gbp

union all

select 'stored spend questions ' || strftime(period_start, '%Y-%m') || ' to ' || strftime(period_end, '%Y-%m'),
    summary_gbp, monthly_gbp
from spend_windows
where summary_gbp <> monthly_gbp
    or categories_gbp <> monthly_gbp
    or months_gbp <> monthly_gbp
    or quarters_gbp <> monthly_gbp
