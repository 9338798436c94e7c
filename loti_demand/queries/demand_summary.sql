-- The demand summary: tech spend, pipeline, expiring contracts and challenges by area x tech category x
-- period (an area is a borough, a London-wide body under its own name with no GSS code, or 'London-wide body' for
-- other London buyers), for months $month_from..$month_to (NULL = open). Each measure is placed in a month by its own date
-- (payment month, expected market date or tender deadline, contract end date, opening date). The $by_* flags
-- choose the dimensions: a dimension not chosen is NULL on every row, so GROUP BY collapses it. Tech only.
-- Spend, pipeline and expiries come pre-summed by area x category x month (agg_demand_by_borough_month). Periods are
-- grouped as dates and written as text only on the summed rows. Rows come unordered; row_no numbers them by the
-- chosen dimensions. $grain names the choice (summary.grain): the build stores this query's answer for the whole
-- period under it (summary.store_whole_period -> agg_demand_summary).
with facts as (
    select * from agg_demand_by_borough_month

    union all by name

    select
        cb.borough_code,
        cb.borough_code as publisher_code,
        c.tech_category,
        cast(date_trunc('month', c.opens_on) as date) as month,
        1 as challenge_boroughs,
        -- a challenge has one category and opening month, so counting it at its first borough alone counts it
        -- once when boroughs are collapsed
        cast(row_number() over (partition by c.challenge_id order by cb.borough_code) = 1 as integer) as challenges
    from challenges as c
    inner join challenge_boroughs as cb on c.challenge_id = cb.challenge_id
    where c.tech_category in (select r.tech_category from ref_tech_categories as r)
        and c.opens_on is not null
),

summed as (
    select
        case when $by_borough then borough_code end as borough_code,
        case when $by_borough then publisher_code end as publisher_code,
        case when $by_category then tech_category end as tech_category,
        case when $by_month then f.month end as month_start,
        case when $by_quarter then date_trunc('quarter', f.month) end as quarter_start,
        case when $by_financial_year then year(f.month) - case when month(f.month) < 4 then 1 else 0 end end
            as fy_start,
        coalesce(sum(tech_spend_gbp), 0) as tech_spend_gbp,
        cast(coalesce(sum(lines), 0) as bigint) as lines,
        cast(coalesce(sum(pipeline_count), 0) as bigint) as pipeline_count,
        coalesce(sum(pipeline_value_gbp), 0) as pipeline_value_gbp,
        cast(coalesce(sum(contracts_expiring), 0) as bigint) as contracts_expiring,
        coalesce(sum(expiring_value_gbp), 0) as expiring_value_gbp,
        cast(coalesce(sum(case when $by_borough then challenge_boroughs else challenges end), 0) as bigint)
            as challenges_opened
    from facts as f
    where ($month_from is null or f.month >= $month_from)
        and ($month_to is null or f.month <= $month_to)
    group by all
)

select
    $grain as grain,
    row_number() over (
        order by s.borough_code, p.publisher_name, s.tech_category, s.month_start, s.quarter_start, s.fy_start
    ) as row_no,
    s.borough_code,
    case when $by_borough then coalesce(b.borough_name, p.publisher_name, 'London-wide body') end as borough_name,
    s.tech_category,
    c.label as tech_category_label,
    strftime(s.month_start, '%Y-%m') as month,
    year(s.quarter_start) || '-Q' || quarter(s.quarter_start) as quarter,
    s.fy_start || '-' || lpad(cast((s.fy_start + 1) % 100 as varchar), 2, '0') as financial_year,
    s.tech_spend_gbp,
    s.lines,
    s.pipeline_count,
    s.pipeline_value_gbp,
    s.contracts_expiring,
    s.expiring_value_gbp,
    s.challenges_opened
from summed as s
left join boroughs as b on s.borough_code = b.borough_code
left join publishers as p on s.publisher_code = p.publisher_code
left join ref_tech_categories as c on s.tech_category = c.tech_category
