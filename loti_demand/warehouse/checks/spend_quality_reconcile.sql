-- agg_spend_quality_by_borough_month agrees with `spend` and with agg_spend_by_borough_month, month by month.
with by_month as (
    select publisher_code, payment_month, sum(lines) as lines, sum(amount_gbp) as amount_gbp,
        sum(redacted_lines) as redacted_lines
    from agg_spend_by_borough_month
    group by publisher_code, payment_month
)

select 'quality vs agg_spend_by_borough_month' as problem, q.publisher_code, q.payment_month
from agg_spend_quality_by_borough_month as q
full join by_month as m on q.publisher_code = m.publisher_code and q.payment_month = m.payment_month
where q.lines is distinct from m.lines
    or q.amount_gbp is distinct from m.amount_gbp
    or q.redacted_lines is distinct from m.redacted_lines
    or q.identified_lines + q.unresolved_lines + q.redacted_lines <> q.lines

union all

select 'quality vs spend', null, null
where (select coalesce(sum(lines), 0) from agg_spend_quality_by_borough_month) <> (select count(*) from spend)
    or (select coalesce(sum(identified_lines), 0) from agg_spend_quality_by_borough_month)
    <> (select count(*) from spend where supplier_id is not null)
