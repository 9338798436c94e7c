-- One row per spend publisher in data/reference/spend_sources.csv: the latest month of spend loaded, when its
-- listing was last read, and whether it is overdue under the Local Government Transparency Code 2015 on $today.
-- The Code asks for spend over £500 at least quarterly, each quarter's data due one month after the quarter
-- ends: due_through is the end of the latest quarter whose month of grace has passed. Monthly publication is the
-- norm, a month due by the end of the next: months_behind_monthly counts from the month before last.
with publishers as (
    select
        publisher,
        nullif(publisher_code, '') as publisher_code
    from ref_spend_sources
),

latest as (
    select
        publisher_code,
        max(payment_month) as latest_month
    from agg_spend_quality_by_borough_month
    group by publisher_code
),

-- listing rows only (a file row names the path it is kept at)
fetched as (
    select
        publisher,
        max(fetched_at) filter (where status = 'ok') as last_fetched_at,
        arg_max_null(problem, fetched_at) as last_fetch_problem
    from fetch_log
    where source = 'spend' and path is null
    group by publisher
),

due as (
    select
        cast(date_trunc('quarter', date_trunc('month', $today) - interval 1 month) - interval 1 month as date)
            as due_through,
        cast(date_trunc('month', $today) - interval 2 month as date) as monthly_due_through
)

select
    p.publisher,
    p.publisher_code,
    l.latest_month,
    f.last_fetched_at,
    d.due_through,
    case
        when l.latest_month is null then 'no spend loaded'
        when l.latest_month >= d.due_through then 'on time'
        else 'overdue'
    end as timeliness,
    greatest(datediff('month', l.latest_month, d.due_through), 0) as months_overdue,
    greatest(datediff('month', l.latest_month, d.monthly_due_through), 0) as months_behind_monthly,
    f.last_fetch_problem
from publishers as p
left join latest as l on p.publisher_code = l.publisher_code
left join fetched as f on p.publisher = f.publisher
cross join due as d
order by p.publisher_code like 'E09%' desc, p.publisher_code, p.publisher
