-- The demand summary: tech spend, pipeline, expiring contracts and challenges by borough x tech category x
-- period, for months $month_from..$month_to (NULL = open). Each measure is placed in a month by its own date
-- (payment month, expected market date or tender deadline, contract end date, opening date). The $by_* flags
-- choose the dimensions: a dimension not chosen is NULL on every row, so GROUP BY collapses it. Tech only.
with spend_facts as (
    select
        borough_code,
        tech_category,
        payment_month as month,
        amount_gbp as tech_spend_gbp,
        lines
    from agg_spend_by_borough_month
    where tech_category is not null
),

pipeline_facts as (
    select
        borough_code,
        tech_category,
        date_trunc('month', expected_date) as month,
        1 as pipeline_count,
        value_gbp as pipeline_value_gbp
    from demand_items
    where confidence = 'statutory notice' and tech_category is not null and expected_date is not null
),

expiry_facts as (
    select
        borough_code,
        tech_category,
        date_trunc('month', contract_end) as month,
        1 as contracts_expiring,
        value_gbp as expiring_value_gbp
    from demand_items
    where confidence = 'inferred from contract end date' and tech_category is not null and contract_end is not null
),

challenge_facts as (
    select
        cb.borough_code,
        c.tech_category,
        date_trunc('month', c.opens_on) as month,
        c.challenge_id
    from challenges as c
    inner join challenge_boroughs as cb on c.challenge_id = cb.challenge_id
    where c.tech_category is not null and c.opens_on is not null
),

facts as (
    select * from spend_facts
    union all by name select * from pipeline_facts
    union all by name select * from expiry_facts
    union all by name select * from challenge_facts
),

labelled as (
    select
        f.*,
        coalesce(b.borough_name, 'London-wide body') as borough_name,
        c.label as tech_category_label,
        year(f.month) - case when month(f.month) < 4 then 1 else 0 end as fy_start
    from facts as f
    left join boroughs as b on f.borough_code = b.borough_code
    inner join ref_tech_categories as c on f.tech_category = c.tech_category
    where ($month_from is null or f.month >= $month_from)
        and ($month_to is null or f.month <= $month_to)
)

select
    case when $by_borough then borough_code end as borough_code,
    case when $by_borough then borough_name end as borough_name,
    case when $by_category then tech_category end as tech_category,
    case when $by_category then tech_category_label end as tech_category_label,
    case when $by_month then strftime(month, '%Y-%m') end as month,
    case when $by_quarter then year(month) || '-Q' || quarter(month) end as quarter,
    case when $by_financial_year then fy_start || '-' || lpad(cast((fy_start + 1) % 100 as varchar), 2, '0') end
        as financial_year,
    coalesce(sum(tech_spend_gbp), 0) as tech_spend_gbp,
    cast(coalesce(sum(lines), 0) as bigint) as lines,
    cast(coalesce(sum(pipeline_count), 0) as bigint) as pipeline_count,
    coalesce(sum(pipeline_value_gbp), 0) as pipeline_value_gbp,
    cast(coalesce(sum(contracts_expiring), 0) as bigint) as contracts_expiring,
    coalesce(sum(expiring_value_gbp), 0) as expiring_value_gbp,
    count(distinct challenge_id) as challenges_opened
from labelled
group by all
order by all
