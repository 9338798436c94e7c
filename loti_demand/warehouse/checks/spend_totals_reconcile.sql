-- Each file's loaded total equals the sum of its lines in `spend`, and the aggregates equal `spend`.
with by_file as (
    select source_file, sum(amount_gbp) as amount_gbp from spend group by source_file
)

select f.path, f.total_amount_gbp, b.amount_gbp
from source_files as f
left join by_file as b on f.path = b.source_file
where f.kind = 'spend' and f.status = 'loaded' and f.total_amount_gbp <> coalesce(b.amount_gbp, 0)

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
