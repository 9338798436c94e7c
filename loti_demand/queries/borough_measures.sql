-- One row per borough: every map measure for the window $start..$end and tech category $category (NULL = all
-- tech), with the coverage behind it. Tech spend is NULL (no data), not 0, when the borough has no spend lines
-- in the window. Pipeline: tech notices at planning or tender stage expected to come to market in the window.
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

tech_procurements as (
    select
        borough_code,
        value_gbp,
        award_value_gbp,
        in_pipeline(stage, expected_market_date, tender_end, tender_start, $start, $end) as is_pipeline,
        expires_in(stage, contract_end, $start, $end) as is_expiring
    from procurements
    where borough_code is not null
        and tech_category is not null
        and ($category is null or tech_category = $category)
),

procurement_counts as (
    select
        borough_code,
        sum(value_gbp) filter (where is_pipeline) as pipeline_value_gbp,
        count(*) filter (where is_pipeline) as pipeline_count,
        count(*) filter (where is_expiring) as contracts_expiring,
        sum(award_value_gbp) filter (where is_expiring) as expiring_value_gbp,
        count(*) as notices
    from tech_procurements
    group by borough_code
),

challenge_counts as (
    select
        cb.borough_code,
        count(*) filter (where c.status = 'open') as open_challenges,
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
        coalesce(p.pipeline_value_gbp, 0) as pipeline_value_gbp,
        coalesce(p.pipeline_count, 0) as pipeline_count,
        coalesce(p.contracts_expiring, 0) as contracts_expiring,
        coalesce(p.expiring_value_gbp, 0) as expiring_value_gbp,
        coalesce(p.notices, 0) as notices,
        coalesce(c.open_challenges, 0) as open_challenges,
        coalesce(c.challenge_statements, 0) as challenge_statements
    from boroughs as b
    left join spend as s on b.borough_code = s.borough_code
    left join procurement_counts as p on b.borough_code = p.borough_code
    left join challenge_counts as c on b.borough_code = c.borough_code
)

select
    *,
    median(tech_spend_per_resident_gbp) over () as london_median_per_resident_gbp
from joined
order by borough_name
