-- One row per borough: every map measure for the window $start..$end and tech category $category (NULL = all
-- tech), with the coverage behind it. Tech spend is NULL (no data), not 0, when the borough has no spend lines
-- in the window. Pipeline and contracts expiring: demand_items by the in_pipeline and expires_in rules (macros.sql),
-- the same items the Demand calendar, the Overview and the export count; notices: every tech procurement, any stage.
with spend as (
    select
        borough_code,
        sum(amount_gbp) filter (
            where tech_category is not null and ($category is null or tech_category = $category)
        ) as tech_spend_gbp,
        cast(sum(lines) filter (
            where tech_category is not null and ($category is null or tech_category = $category)
        ) as bigint) as lines,
        count(distinct payment_month) as months_covered
    from agg_spend_by_borough_month
    where payment_month between $start and $end
    group by borough_code
),

demand as (
    select
        borough_code,
        sum(value_gbp) filter (where in_pipeline(confidence, expected_date, $start, $end)) as pipeline_value_gbp,
        count(*) filter (where in_pipeline(confidence, expected_date, $start, $end)) as pipeline_count,
        count(*) filter (where expires_in(confidence, contract_end, $start, $end)) as contracts_expiring,
        sum(value_gbp) filter (where expires_in(confidence, contract_end, $start, $end)) as expiring_value_gbp
    from demand_items
    where borough_code is not null
        and tech_category is not null
        and ($category is null or tech_category = $category)
    group by borough_code
),

notice_counts as (
    select borough_code, count(*) as notices
    from procurements
    where borough_code is not null
        and tech_category is not null
        and ($category is null or tech_category = $category)
    group by borough_code
),

challenge_counts as (
    select
        cb.borough_code,
        count(*) filter (where c.is_open) as open_challenges,
        count(*) as challenge_statements
    from challenge_boroughs as cb
    inner join challenges as c on cb.challenge_id = c.challenge_id
    where $category is null or c.tech_category = $category
    group by cb.borough_code
),

joined as (
    select
        b.borough_code,
        b.borough_name,
        b.population,
        b.population_year,
        b.tile_col,
        b.tile_row,
        case when s.months_covered > 0 then coalesce(s.tech_spend_gbp, 0) end as tech_spend_gbp,
        case when s.months_covered > 0
            then cast(coalesce(s.tech_spend_gbp, 0) as double) / nullif(b.population, 0)
        end as tech_spend_per_resident_gbp,
        coalesce(s.lines, 0) as lines,
        coalesce(s.months_covered, 0) as months_covered,
        coalesce(d.pipeline_value_gbp, 0) as pipeline_value_gbp,
        coalesce(d.pipeline_count, 0) as pipeline_count,
        coalesce(d.contracts_expiring, 0) as contracts_expiring,
        coalesce(d.expiring_value_gbp, 0) as expiring_value_gbp,
        coalesce(n.notices, 0) as notices,
        coalesce(c.open_challenges, 0) as open_challenges,
        coalesce(c.challenge_statements, 0) as challenge_statements
    from boroughs as b
    left join spend as s on b.borough_code = s.borough_code
    left join demand as d on b.borough_code = d.borough_code
    left join notice_counts as n on b.borough_code = n.borough_code
    left join challenge_counts as c on b.borough_code = c.borough_code
)

select
    *,
    median(tech_spend_per_resident_gbp) over () as london_median_per_resident_gbp
from joined
order by borough_name
