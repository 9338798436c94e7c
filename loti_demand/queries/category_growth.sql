-- Each tech category in the year before and the latest year (loti_demand.growth says it in words):
--   tech spend like for like, in the spend years $spend_before_start..$spend_before_end and up to $spend_latest_end:
--     a publisher's month counts only when its spend files also cover the same calendar month of the other year;
--   new tech procurements: London tech procurements whose first notice was published in $before_start..$before_end
--     or $latest_start..$latest_end, whatever became of them;
--   challenges opened: challenge statements by their opening date, in the same two years.
-- Change in per cent is NULL when the year before had none. The last columns, the same on every row, say what the
-- figures rest on: publishers compared like for like (of those with spend in either year), the publisher-months
-- compared in each year, and the earliest notice and challenge in the warehouse.
with covered as (
    select distinct
        publisher_code,
        payment_month
    from agg_spend_by_borough_month
    where payment_month between $spend_before_start and $spend_latest_end
),

like_for_like as (
    select m.publisher_code, m.payment_month
    from covered as m
    inner join covered as other
        on m.publisher_code = other.publisher_code
        and other.payment_month = cast(
            m.payment_month + to_months(case when m.payment_month <= $spend_before_end then 12 else -12 end) as date
        )
),

spend as (
    select
        a.tech_category,
        sum(a.amount_gbp) filter (where a.payment_month <= $spend_before_end) as spend_before_gbp,
        sum(a.amount_gbp) filter (where a.payment_month > $spend_before_end) as spend_latest_gbp
    from agg_spend_by_borough_month as a
    inner join like_for_like as l on a.publisher_code = l.publisher_code and a.payment_month = l.payment_month
    where a.tech_category is not null
    group by a.tech_category
),

new_procurements as (
    select
        tech_category,
        count(*) filter (
            where cast(first_release_date as date) between $before_start and $before_end
        ) as procurements_before,
        count(*) filter (
            where cast(first_release_date as date) between $latest_start and $latest_end
        ) as procurements_latest
    from procurements
    where is_london and tech_category is not null
    group by tech_category
),

opened as (
    select
        tech_category,
        count(*) filter (where opens_on between $before_start and $before_end) as challenges_before,
        count(*) filter (where opens_on between $latest_start and $latest_end) as challenges_latest
    from challenges
    where tech_category is not null
    group by tech_category
),

joined as (
    select
        c.tech_category,
        c.label as tech_category_label,
        coalesce(s.spend_before_gbp, 0) as spend_before_gbp,
        coalesce(s.spend_latest_gbp, 0) as spend_latest_gbp,
        coalesce(p.procurements_before, 0) as procurements_before,
        coalesce(p.procurements_latest, 0) as procurements_latest,
        coalesce(o.challenges_before, 0) as challenges_before,
        coalesce(o.challenges_latest, 0) as challenges_latest,
        cast(c.sort_order as integer) as sort_order
    from ref_tech_categories as c
    left join spend as s on c.tech_category = s.tech_category
    left join new_procurements as p on c.tech_category = p.tech_category
    left join opened as o on c.tech_category = o.tech_category
)

select
    tech_category,
    tech_category_label,
    spend_before_gbp,
    spend_latest_gbp,
    100 * cast(spend_latest_gbp - spend_before_gbp as double) / nullif(spend_before_gbp, 0) as spend_change_pct,
    procurements_before,
    procurements_latest,
    100 * (procurements_latest - procurements_before) / nullif(procurements_before, 0) as procurements_change_pct,
    challenges_before,
    challenges_latest,
    100 * (challenges_latest - challenges_before) / nullif(challenges_before, 0) as challenges_change_pct,
    (select count(distinct l.publisher_code) from like_for_like as l) as publishers_compared,
    (select count(distinct c.publisher_code) from covered as c) as publishers_with_spend,
    (select count(*) from like_for_like as l where l.payment_month > $spend_before_end) as months_compared,
    (select min(cast(p.first_release_date as date)) from procurements as p where p.is_london) as first_notice_date,
    (select min(c.opens_on) from challenges as c) as first_challenge_date
from joined
order by sort_order
