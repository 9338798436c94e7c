-- Overview headline figures: spend in $spend_start..$spend_end (the latest 12 months of spend data; the boroughs'
-- and London-wide bodies', with the bodies' part) and the tech pipeline of the window $pipeline_from..$pipeline_to
-- (every London buyer).
-- One pass over each table, each figure a filtered aggregate (six scalar subqueries cost a quarter more).
with spend_window as (
    select
        sum(amount_gbp) filter (where tech_category is not null) as tech_spend_gbp,
        count(distinct borough_code) as boroughs_with_spend,
        count(distinct publisher_code) filter (where borough_code is null) as bodies_with_data,
        coalesce(sum(amount_gbp) filter (where tech_category is not null and borough_code is null), 0)
            as bodies_tech_spend_gbp,
        sum(lines) filter (where tech_category is not null) as lines
    from agg_spend_by_borough_month
    where payment_month between $spend_start and $spend_end
),

pipeline as (
    select
        sum(value_gbp) as pipeline_value_gbp,
        count(*) as pipeline_count
    from demand_items
    where tech_category is not null and in_pipeline(confidence, expected_date, $pipeline_from, $pipeline_to)
),

open_challenges as (
    select count(*) as open_challenges from challenges where is_open
)

select
    s.tech_spend_gbp,
    s.boroughs_with_spend,
    s.bodies_with_data,
    s.bodies_tech_spend_gbp,
    s.lines,
    p.pipeline_value_gbp,
    p.pipeline_count,
    c.open_challenges
from spend_window as s, pipeline as p, open_challenges as c
