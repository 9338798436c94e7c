-- One row per London-wide body (GLA, TfL...) with spend or tech notices: the map measures that apply to a body
-- for the window $start..$end and tech category $category (NULL = all tech), with the same definitions as
-- borough_measures.sql (per-resident figures and challenges are the boroughs' alone).
with spend as (
    select
        publisher_code,
        sum(amount_gbp) filter (
            where tech_category is not null and ($category is null or tech_category = $category)
        ) as tech_spend_gbp,
        cast(sum(lines) filter (
            where tech_category is not null and ($category is null or tech_category = $category)
        ) as bigint) as lines,
        count(distinct payment_month) as months_covered
    from agg_spend_by_borough_month
    where borough_code is null and payment_month between $start and $end
    group by publisher_code
),

demand as (
    select
        publisher_code,
        sum(value_gbp) filter (where in_pipeline(confidence, expected_date, $start, $end)) as pipeline_value_gbp,
        count(*) filter (where in_pipeline(confidence, expected_date, $start, $end)) as pipeline_count,
        count(*) filter (where expires_in(confidence, contract_end, $start, $end)) as contracts_expiring,
        sum(value_gbp) filter (where expires_in(confidence, contract_end, $start, $end)) as expiring_value_gbp
    from demand_items
    where borough_code is null
        and publisher_code is not null
        and tech_category is not null
        and ($category is null or tech_category = $category)
    group by publisher_code
),

notice_counts as (
    select publisher_code, count(*) as notices
    from procurements
    where borough_code is null
        and publisher_code is not null
        and tech_category is not null
        and ($category is null or tech_category = $category)
    group by publisher_code
)

select
    p.publisher_code,
    p.publisher_name,
    case when s.months_covered > 0 then coalesce(s.tech_spend_gbp, 0) end as tech_spend_gbp,
    coalesce(s.lines, 0) as lines,
    coalesce(s.months_covered, 0) as months_covered,
    coalesce(d.pipeline_value_gbp, 0) as pipeline_value_gbp,
    coalesce(d.pipeline_count, 0) as pipeline_count,
    coalesce(d.contracts_expiring, 0) as contracts_expiring,
    coalesce(d.expiring_value_gbp, 0) as expiring_value_gbp,
    coalesce(n.notices, 0) as notices
from publishers as p
left join spend as s on p.publisher_code = s.publisher_code
left join demand as d on p.publisher_code = d.publisher_code
left join notice_counts as n on p.publisher_code = n.publisher_code
where p.borough_code is null and (s.publisher_code is not null or n.publisher_code is not null)
order by p.publisher_name
