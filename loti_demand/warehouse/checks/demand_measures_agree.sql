-- The pipeline, contracts expiring and open challenges agree across the marts, so every page and the export give
-- the same figures: for each whole-month window the pages offer (page_periods), each area (borough, London-wide
-- body, other London buyer) and each tech category and all tech, demand_items counted by the in_pipeline and
-- expires_in rules equals the monthly aggregate the export sums (agg_demand_by_borough_month), and so do the map's
-- stored measures (agg_borough_measures_by_period); each grain of the stored export (agg_demand_summary) adds up to
-- the monthly aggregate; the map's stored open challenges equal the challenges marked open. Rows are disagreements.
with windows as (
    select distinct period_start, period_end
    from page_periods
    where period_start = date_trunc('month', period_start) and period_end = last_day(period_end)
),

items as (
    select
        w.period_start,
        w.period_end,
        d.borough_code,
        d.publisher_code,
        d.tech_category,
        count(*) filter (where in_pipeline(d.confidence, d.expected_date, w.period_start, w.period_end))
            as pipeline_count,
        coalesce(sum(d.value_gbp) filter (
            where in_pipeline(d.confidence, d.expected_date, w.period_start, w.period_end)
        ), 0) as pipeline_value_gbp,
        count(*) filter (where expires_in(d.confidence, d.contract_end, w.period_start, w.period_end))
            as contracts_expiring,
        coalesce(sum(d.value_gbp) filter (
            where expires_in(d.confidence, d.contract_end, w.period_start, w.period_end)
        ), 0) as expiring_value_gbp
    from windows as w
    cross join demand_items as d
    where d.tech_category is not null
    group by grouping sets (
        (w.period_start, w.period_end, d.borough_code, d.publisher_code, d.tech_category),
        (w.period_start, w.period_end, d.borough_code, d.publisher_code)
    )
),

monthly as (
    select
        w.period_start,
        w.period_end,
        a.borough_code,
        a.publisher_code,
        a.tech_category,
        sum(a.pipeline_count) as pipeline_count,
        coalesce(sum(a.pipeline_value_gbp), 0) as pipeline_value_gbp,
        sum(a.contracts_expiring) as contracts_expiring,
        coalesce(sum(a.expiring_value_gbp), 0) as expiring_value_gbp
    from windows as w
    inner join agg_demand_by_borough_month as a on a.month between w.period_start and w.period_end
    group by grouping sets (
        (w.period_start, w.period_end, a.borough_code, a.publisher_code, a.tech_category),
        (w.period_start, w.period_end, a.borough_code, a.publisher_code)
    )
),

compared as (
    select
        coalesce(i.period_start, m.period_start) as period_start,
        coalesce(i.borough_code, m.borough_code) as borough_code,
        coalesce(i.publisher_code, m.publisher_code) as publisher_code,
        coalesce(i.tech_category, m.tech_category) as tech_category,
        coalesce(i.pipeline_count, 0) as item_pipeline_count,
        coalesce(m.pipeline_count, 0) as monthly_pipeline_count,
        coalesce(i.pipeline_value_gbp, 0) as item_pipeline_gbp,
        coalesce(m.pipeline_value_gbp, 0) as monthly_pipeline_gbp,
        coalesce(i.contracts_expiring, 0) as item_expiring,
        coalesce(m.contracts_expiring, 0) as monthly_expiring,
        coalesce(i.expiring_value_gbp, 0) as item_expiring_gbp,
        coalesce(m.expiring_value_gbp, 0) as monthly_expiring_gbp
    from items as i
    full outer join monthly as m
        on i.period_start = m.period_start
        and i.period_end = m.period_end
        and i.borough_code is not distinct from m.borough_code
        and i.publisher_code is not distinct from m.publisher_code
        and i.tech_category is not distinct from m.tech_category
),

totals as (
    select
        coalesce(sum(pipeline_count), 0) as pipeline_count,
        coalesce(sum(pipeline_value_gbp), 0) as pipeline_value_gbp,
        coalesce(sum(contracts_expiring), 0) as contracts_expiring,
        coalesce(sum(expiring_value_gbp), 0) as expiring_value_gbp
    from agg_demand_by_borough_month
),

open_by_borough as (
    select cb.borough_code, count(*) as open_challenges
    from challenge_boroughs as cb
    inner join challenges as c on cb.challenge_id = c.challenge_id
    where c.is_open
    group by cb.borough_code
)

select
    'demand_items and agg_demand_by_borough_month: ' || strftime(period_start, '%Y-%m') || ' '
    || coalesce(publisher_code, 'other London buyers') || ' ' || coalesce(tech_category, 'all tech') as problem,
    item_pipeline_count || ' / ' || item_pipeline_gbp || ' / ' || item_expiring || ' / ' || item_expiring_gbp
    || ' <> ' || monthly_pipeline_count || ' / ' || monthly_pipeline_gbp || ' / ' || monthly_expiring || ' / '
    || monthly_expiring_gbp as detail
from compared
where item_pipeline_count <> monthly_pipeline_count
    or item_pipeline_gbp <> monthly_pipeline_gbp
    or item_expiring <> monthly_expiring
    or item_expiring_gbp <> monthly_expiring_gbp

union all

select
    'agg_borough_measures_by_period and agg_demand_by_borough_month: ' || strftime(s.period_start, '%Y-%m') || ' '
    || s.borough_code || ' ' || coalesce(s.tech_category, 'all tech'),
    s.pipeline_count || ' / ' || s.pipeline_value_gbp || ' / ' || s.contracts_expiring || ' / '
    || s.expiring_value_gbp || ' <> ' || coalesce(m.pipeline_count, 0) || ' / ' || coalesce(m.pipeline_value_gbp, 0)
    || ' / ' || coalesce(m.contracts_expiring, 0) || ' / ' || coalesce(m.expiring_value_gbp, 0)
from agg_borough_measures_by_period as s
inner join windows as w on s.period_start = w.period_start and s.period_end = w.period_end
left join monthly as m
    on s.period_start = m.period_start
    and s.period_end = m.period_end
    and s.borough_code = m.borough_code
    and s.borough_code = m.publisher_code
    and s.tech_category is not distinct from m.tech_category
where s.pipeline_count <> coalesce(m.pipeline_count, 0)
    or s.pipeline_value_gbp <> coalesce(m.pipeline_value_gbp, 0)
    or s.contracts_expiring <> coalesce(m.contracts_expiring, 0)
    or s.expiring_value_gbp <> coalesce(m.expiring_value_gbp, 0)

union all

select
    'agg_demand_summary and agg_demand_by_borough_month: ' || d.grain,
    sum(d.pipeline_count) || ' / ' || sum(d.pipeline_value_gbp) || ' / ' || sum(d.contracts_expiring) || ' / '
    || sum(d.expiring_value_gbp) || ' <> ' || any_value(t.pipeline_count) || ' / ' || any_value(t.pipeline_value_gbp)
    || ' / ' || any_value(t.contracts_expiring) || ' / ' || any_value(t.expiring_value_gbp)
from agg_demand_summary as d
cross join totals as t
group by d.grain
having sum(d.pipeline_count) <> any_value(t.pipeline_count)
    or sum(d.pipeline_value_gbp) <> any_value(t.pipeline_value_gbp)
    or sum(d.contracts_expiring) <> any_value(t.contracts_expiring)
    or sum(d.expiring_value_gbp) <> any_value(t.expiring_value_gbp)

union all

select
    'agg_borough_measures_by_period and challenges: open challenges ' || strftime(s.period_start, '%Y-%m-%d') || ' '
    || s.borough_code,
    s.open_challenges || ' <> ' || coalesce(o.open_challenges, 0)
from agg_borough_measures_by_period as s
left join open_by_borough as o on s.borough_code = o.borough_code
where s.tech_category is null and s.open_challenges <> coalesce(o.open_challenges, 0)
