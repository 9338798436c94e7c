-- Each file's loaded total equals the sum of its lines in `spend`, and the aggregates equal `spend`. A path
-- ingested twice has two source_files rows (the second all duplicates), so totals are compared per path. The stored
-- demand summary holds all 16 of its grains (or none, when there is no tech demand), each adding up to the tech
-- spend.
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

select 'agg_demand_summary ' || d.grain, sum(d.tech_spend_gbp), any_value(t.amount_gbp)
from agg_demand_summary as d
cross join tech_spend as t
group by d.grain
having sum(d.tech_spend_gbp) <> any_value(t.amount_gbp)

union all

select 'agg_demand_summary grains', count(distinct grain), 16
from agg_demand_summary
having count(distinct grain) not in (0, 16)
