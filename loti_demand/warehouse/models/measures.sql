-- The pages' measures over windows, defined once as table macros over the marts: the aggregates store their
-- answers for the windows the pages offer (page_periods), and the query layer asks them for any other window.
-- A window is a struct {period_start, period_end[, tech_category]} (tech_category NULL = all tech); each macro
-- takes a list of them and answers every window at once, its rows led by the window's fields.
-- The build creates these once the marts they read exist (DuckDB binds a table macro when it is created).

-- Every map measure for every borough in each window, with the coverage behind it. Tech spend is NULL (no data),
-- not 0, when the borough has no spend lines in the window. Pipeline and contracts expiring: demand_items by the
-- in_pipeline and expires_in rules (macros.sql), the same items the Demand calendar, the Overview and the export
-- count; notices: every tech procurement, any stage.
create or replace macro borough_measures_in(windows) as table
with w as (
    select distinct
        cast(x.period_start as date) as period_start,
        cast(x.period_end as date) as period_end,
        cast(x.tech_category as varchar) as tech_category
    from (select unnest(windows) as x)
),

spend as (
    select
        w.period_start,
        w.period_end,
        w.tech_category,
        s.borough_code,
        sum(s.amount_gbp) filter (
            where s.tech_category is not null and (w.tech_category is null or s.tech_category = w.tech_category)
        ) as tech_spend_gbp,
        cast(sum(s.lines) filter (
            where s.tech_category is not null and (w.tech_category is null or s.tech_category = w.tech_category)
        ) as bigint) as lines,
        count(distinct s.payment_month) as months_covered
    from w
    inner join agg_spend_by_borough_month as s on s.payment_month between w.period_start and w.period_end
    group by all
),

demand as (
    select
        w.period_start,
        w.period_end,
        w.tech_category,
        d.borough_code,
        sum(d.value_gbp) filter (where in_pipeline(d.confidence, d.expected_date, w.period_start, w.period_end))
            as pipeline_value_gbp,
        count(*) filter (where in_pipeline(d.confidence, d.expected_date, w.period_start, w.period_end))
            as pipeline_count,
        count(*) filter (where expires_in(d.confidence, d.contract_end, w.period_start, w.period_end))
            as contracts_expiring,
        sum(d.value_gbp) filter (where expires_in(d.confidence, d.contract_end, w.period_start, w.period_end))
            as expiring_value_gbp
    from w
    inner join demand_items as d on w.tech_category is null or d.tech_category = w.tech_category
    where d.borough_code is not null and d.tech_category is not null
    group by all
),

categories as (select distinct tech_category from w),

notice_counts as (
    select c.tech_category, p.borough_code, count(*) as notices
    from categories as c
    inner join procurements as p on c.tech_category is null or p.tech_category = c.tech_category
    where p.borough_code is not null and p.tech_category is not null
    group by all
),

challenge_counts as (
    select
        k.tech_category,
        cb.borough_code,
        count(*) filter (where c.is_open) as open_challenges,
        count(*) as challenge_statements
    from challenge_boroughs as cb
    inner join challenges as c on cb.challenge_id = c.challenge_id
    inner join categories as k on k.tech_category is null or c.tech_category = k.tech_category
    group by all
),

joined as (
    select
        w.period_start,
        w.period_end,
        w.tech_category,
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
    from w
    cross join boroughs as b
    left join spend as s
        on (w.period_start, w.period_end, b.borough_code) = (s.period_start, s.period_end, s.borough_code)
        and w.tech_category is not distinct from s.tech_category
    left join demand as d
        on (w.period_start, w.period_end, b.borough_code) = (d.period_start, d.period_end, d.borough_code)
        and w.tech_category is not distinct from d.tech_category
    left join notice_counts as n
        on b.borough_code = n.borough_code and w.tech_category is not distinct from n.tech_category
    left join challenge_counts as c
        on b.borough_code = c.borough_code and w.tech_category is not distinct from c.tech_category
)

select
    *,
    median(tech_spend_per_resident_gbp) over (partition by period_start, period_end, tech_category)
        as london_median_per_resident_gbp
from joined
order by period_start, period_end, tech_category nulls first, borough_name;

-- Per tech category: how concentrated the named-supplier spend is in each window, for the chosen boroughs
-- (`boroughs`, a list of publisher codes, NULL = all) and category (`category`, NULL = every category).
-- HHI = sum of squared % shares.
create or replace macro supplier_concentration_in(windows, boroughs, category) as table
with w as (
    select distinct cast(x.period_start as date) as period_start, cast(x.period_end as date) as period_end
    from (select unnest(windows) as x)
),

by_supplier as (
    select w.period_start, w.period_end, s.tech_category, sum(s.amount_gbp) as amount_gbp
    from w
    inner join agg_spend_by_supplier as s on s.payment_month between w.period_start and w.period_end
    where (boroughs is null or list_contains(boroughs, s.publisher_code))
        and (category is null or s.tech_category = category)
    group by w.period_start, w.period_end, s.tech_category, s.supplier_key
    having sum(s.amount_gbp) > 0  -- a supplier whose credits exceed its payments has no share of the market
),

totals as (
    select
        period_start,
        period_end,
        tech_category,
        sum(amount_gbp) as named_spend_gbp,
        count(*) as suppliers,
        max(amount_gbp, 3) as top3_amounts  -- the three largest
    from by_supplier
    group by all
)

select
    t.period_start,
    t.period_end,
    t.tech_category,
    c.label as tech_category_label,
    t.named_spend_gbp,
    t.suppliers,
    sum(pow(100 * cast(s.amount_gbp as double) / t.named_spend_gbp, 2)) as hhi,
    list_sum(list_transform(t.top3_amounts, lambda a: 100 * cast(a as double) / t.named_spend_gbp)) as top3_share_pct
from by_supplier as s
inner join totals as t
    on (s.period_start, s.period_end, s.tech_category) = (t.period_start, t.period_end, t.tech_category)
inner join ref_tech_categories as c on t.tech_category = c.tech_category
group by all
order by t.period_start, t.period_end, t.named_spend_gbp desc, t.tech_category;

-- Every named supplier of tech in each window for the chosen boroughs (`boroughs`, NULL = all) and the window's
-- publisher (`publisher_code`, NULL = every publisher `boroughs` allows), ranked by spend then supplier_id, for each
-- tech category and for all tech (tech_category NULL), with its market share: of the spend of the suppliers paid more
-- than they refunded (named_spend_gbp; one whose credits exceed its payments has no share). suppliers_total and
-- window_spend_gbp count them all. Groups by the mart's integer supplier_key, counts boroughs from its borough_bit mask
-- (see agg_spend_by_supplier) and the London-wide bodies that paid the supplier by publisher.
create or replace macro top_suppliers_in(windows, boroughs) as table
with w as (
    select distinct
        cast(x.period_start as date) as period_start,
        cast(x.period_end as date) as period_end,
        cast(x.publisher_code as varchar) as publisher_code
    from (select unnest(windows) as x)
),

-- the mart's rows in each window: every publisher's, or the window's publisher's (an equality join, as a join on
-- "no publisher or this one" pairs each row with every publisher's windows before it filters them)
in_window as (
    select
        w.period_start,
        w.period_end,
        w.publisher_code,
        s.publisher_code as line_publisher,
        s.tech_category,
        s.supplier_key,
        s.supplier_id,
        s.amount_gbp,
        s.lines,
        s.borough_bit
    from w
    inner join agg_spend_by_supplier as s on s.payment_month between w.period_start and w.period_end
    where w.publisher_code is null
    union all
    select
        w.period_start,
        w.period_end,
        w.publisher_code,
        s.publisher_code as line_publisher,
        s.tech_category,
        s.supplier_key,
        s.supplier_id,
        s.amount_gbp,
        s.lines,
        s.borough_bit
    from w
    inner join agg_spend_by_supplier as s
        on s.publisher_code = w.publisher_code and s.payment_month between w.period_start and w.period_end
),

by_category as (
    select
        period_start,
        period_end,
        publisher_code,
        tech_category,
        supplier_key,
        any_value(supplier_id) as supplier_id,
        sum(amount_gbp) as tech_spend_gbp,
        cast(sum(lines) as bigint) as lines,
        bit_or(borough_bit) as borough_mask
    from in_window
    where boroughs is null or list_contains(boroughs, line_publisher)
    group by period_start, period_end, publisher_code, tech_category, supplier_key
),

by_supplier as (
    select * from by_category
    union all
    select
        period_start,
        period_end,
        publisher_code,
        null as tech_category,
        supplier_key,
        any_value(supplier_id) as supplier_id,
        sum(tech_spend_gbp) as tech_spend_gbp,
        cast(sum(lines) as bigint) as lines,
        bit_or(borough_mask) as borough_mask
    from by_category
    group by period_start, period_end, publisher_code, supplier_key
),

-- London-wide bodies that paid each supplier: a body has no borough bit, and its rows are few, so they are counted
-- by publisher, per category and for all tech (NULL)
body_counts as (
    select
        period_start,
        period_end,
        publisher_code,
        tech_category,
        supplier_key,
        count(distinct line_publisher) as bodies
    from in_window
    where borough_bit = 0 and (boroughs is null or list_contains(boroughs, line_publisher))
    group by grouping sets (
        (period_start, period_end, publisher_code, tech_category, supplier_key),
        (period_start, period_end, publisher_code, supplier_key)
    )
)

select
    s.period_start,
    s.period_end,
    s.publisher_code,
    s.tech_category,
    row_number() over (window_rows order by s.tech_spend_gbp desc, s.supplier_id) as rank,
    s.supplier_id,
    coalesce(sup.canonical_name, s.supplier_id) as supplier_name,
    s.tech_spend_gbp,
    case
        when s.tech_spend_gbp > 0
            then 100 * cast(s.tech_spend_gbp as double)
            / sum(s.tech_spend_gbp) filter (where s.tech_spend_gbp > 0) over window_rows
    end as share_pct,
    s.lines,
    cast(bit_count(s.borough_mask) as bigint) as boroughs,
    coalesce(b.bodies, 0) as bodies,
    count(*) over window_rows as suppliers_total,
    sum(s.tech_spend_gbp) over window_rows as window_spend_gbp,
    sum(s.tech_spend_gbp) filter (where s.tech_spend_gbp > 0) over window_rows as named_spend_gbp
from by_supplier as s
left join suppliers as sup on s.supplier_id = sup.supplier_id
left join body_counts as b
    on
        s.period_start = b.period_start
        and s.period_end = b.period_end
        and s.publisher_code is not distinct from b.publisher_code
        and s.tech_category is not distinct from b.tech_category
        and s.supplier_key = b.supplier_key
window window_rows as (partition by s.period_start, s.period_end, s.publisher_code, s.tech_category)
order by s.period_start, s.period_end, s.publisher_code nulls first, s.tech_category nulls first, rank;

-- The spend questions of the Spend page and the Borough profile. Each window also names a publisher
-- (`publisher_code`, NULL = every publisher `boroughs` allows): the build stores each answer London-wide and for each
-- publisher alone, over the spend periods the pages offer, and the query layer asks for any other choice.

-- Tech spend in each window for the category (`tech_category`, NULL = all tech), with its coverage: boroughs and
-- London-wide bodies with data, the bodies' part of the total, payment lines, redacted lines and months with data.
-- Coverage counts the publishers' non-tech lines too. One row per window, of zeros when it holds no data.
create or replace macro spend_summary_in(windows, boroughs) as table
with w as (
    select distinct
        cast(x.period_start as date) as period_start,
        cast(x.period_end as date) as period_end,
        cast(x.publisher_code as varchar) as publisher_code,
        cast(x.tech_category as varchar) as tech_category
    from (select unnest(windows) as x)
)

select
    w.period_start,
    w.period_end,
    w.publisher_code,
    w.tech_category,
    coalesce(sum(s.amount_gbp) filter (where s.tech_category is not null), 0) as tech_spend_gbp,
    cast(coalesce(sum(s.lines) filter (where s.tech_category is not null), 0) as bigint) as lines,
    cast(coalesce(sum(s.redacted_lines) filter (where s.tech_category is not null), 0) as bigint) as redacted_lines,
    count(distinct s.borough_code) as boroughs_with_data,
    count(distinct case when s.borough_code is null then s.publisher_code end) as bodies_with_data,
    coalesce(sum(s.amount_gbp) filter (where s.tech_category is not null and s.borough_code is null), 0)
        as bodies_tech_spend_gbp,
    count(distinct s.payment_month) as months_with_data
from w
left join agg_spend_by_borough_month as s
    on s.payment_month between w.period_start and w.period_end
    and (w.publisher_code is null or s.publisher_code = w.publisher_code)
    and (boroughs is null or list_contains(boroughs, s.publisher_code))
    and (w.tech_category is null or s.tech_category = w.tech_category or s.tech_category is null)
group by w.period_start, w.period_end, w.publisher_code, w.tech_category;

-- Tech spend per month or quarter (the window's `grain`) and tech category in each window, the period's first day
-- as grain_start; sort_order is the category's place in ref_tech_categories.
create or replace macro spend_over_time_in(windows, boroughs) as table
with w as (
    select distinct
        cast(x.period_start as date) as period_start,
        cast(x.period_end as date) as period_end,
        cast(x.publisher_code as varchar) as publisher_code,
        cast(x.grain as varchar) as grain
    from (select unnest(windows) as x)
)

select
    w.period_start,
    w.period_end,
    w.publisher_code,
    w.grain,
    cast(date_trunc(w.grain, s.payment_month) as date) as grain_start,
    c.tech_category,
    c.label as tech_category_label,
    sum(s.amount_gbp) as tech_spend_gbp,
    cast(sum(s.lines) as bigint) as lines,
    cast(any_value(c.sort_order) as integer) as sort_order
from w
inner join agg_spend_by_borough_month as s
    on s.payment_month between w.period_start and w.period_end
    and (w.publisher_code is null or s.publisher_code = w.publisher_code)
inner join ref_tech_categories as c on s.tech_category = c.tech_category
where boroughs is null or list_contains(boroughs, s.publisher_code)
group by all;

-- Tech spend per tech category in each window.
create or replace macro category_spend_in(windows, boroughs) as table
with w as (
    select distinct
        cast(x.period_start as date) as period_start,
        cast(x.period_end as date) as period_end,
        cast(x.publisher_code as varchar) as publisher_code
    from (select unnest(windows) as x)
)

select
    w.period_start,
    w.period_end,
    w.publisher_code,
    c.tech_category,
    c.label as tech_category_label,
    sum(s.amount_gbp) as tech_spend_gbp,
    cast(sum(s.lines) as bigint) as lines
from w
inner join agg_spend_by_borough_month as s
    on s.payment_month between w.period_start and w.period_end
    and (w.publisher_code is null or s.publisher_code = w.publisher_code)
inner join ref_tech_categories as c on s.tech_category = c.tech_category
where boroughs is null or list_contains(boroughs, s.publisher_code)
group by all;

-- The demand summary: tech spend, pipeline, expiring contracts and challenges by area x tech category x period
-- (an area is a borough, a London-wide body under its own name with no GSS code, or 'London-wide body' for other
-- London buyers), for months month_from..month_to (NULL = open), for each choice of dimensions in `choices`
-- (structs of by_borough, by_category, by_month, by_quarter, by_financial_year flags). Each measure is placed in a
-- month by its own date (payment month, expected market date or tender deadline, contract end date, opening
-- date). A dimension not chosen is NULL on every row, so GROUP BY collapses it. Tech only. Spend, pipeline and
-- expiries come pre-summed by area x category x month (agg_demand_by_borough_month). Periods are grouped as dates
-- and written as text only on the summed rows. Rows come unordered; row_no numbers each choice's rows by its
-- dimensions, and grain names the choice (summary.grain: the chosen dimensions, comma-separated, in this order).
create or replace macro demand_summary_in(choices, month_from, month_to) as table
with k as (
    select distinct
        cast(x.by_borough as boolean) as by_borough,
        cast(x.by_category as boolean) as by_category,
        cast(x.by_month as boolean) as by_month,
        cast(x.by_quarter as boolean) as by_quarter,
        cast(x.by_financial_year as boolean) as by_financial_year
    from (select unnest(choices) as x)
),

facts as (
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
        concat_ws(
            ',',
            case when k.by_borough then 'borough' end,
            case when k.by_category then 'category' end,
            case when k.by_month then 'month' end,
            case when k.by_quarter then 'quarter' end,
            case when k.by_financial_year then 'financial_year' end
        ) as grain,
        k.by_borough,
        case when k.by_borough then f.borough_code end as borough_code,
        case when k.by_borough then f.publisher_code end as publisher_code,
        case when k.by_category then f.tech_category end as tech_category,
        case when k.by_month then f.month end as month_start,
        case when k.by_quarter then date_trunc('quarter', f.month) end as quarter_start,
        case when k.by_financial_year then year(f.month) - case when month(f.month) < 4 then 1 else 0 end end
            as fy_start,
        coalesce(sum(f.tech_spend_gbp), 0) as tech_spend_gbp,
        cast(coalesce(sum(f.lines), 0) as bigint) as lines,
        cast(coalesce(sum(f.pipeline_count), 0) as bigint) as pipeline_count,
        coalesce(sum(f.pipeline_value_gbp), 0) as pipeline_value_gbp,
        cast(coalesce(sum(f.contracts_expiring), 0) as bigint) as contracts_expiring,
        coalesce(sum(f.expiring_value_gbp), 0) as expiring_value_gbp,
        cast(coalesce(sum(case when k.by_borough then f.challenge_boroughs else f.challenges end), 0) as bigint)
            as challenges_opened
    from facts as f
    cross join k
    where (month_from is null or f.month >= month_from)
        and (month_to is null or f.month <= month_to)
    group by all
),

-- the publishers with spend data: another's spend is missing, not zero (blank in a row of its own)
with_spend as (select distinct publisher_code from agg_spend_by_borough_month)

select
    s.grain,
    row_number() over (
        partition by s.grain
        order by s.borough_code, p.publisher_name, s.tech_category, s.month_start, s.quarter_start, s.fy_start
    ) as row_no,
    s.borough_code,
    case when s.by_borough then coalesce(b.borough_name, p.publisher_name, 'London-wide body') end as borough_name,
    s.tech_category,
    c.label as tech_category_label,
    strftime(s.month_start, '%Y-%m') as month,
    year(s.quarter_start) || '-Q' || quarter(s.quarter_start) as quarter,
    s.fy_start || '-' || lpad(cast((s.fy_start + 1) % 100 as varchar), 2, '0') as financial_year,
    case when s.by_borough and w.publisher_code is null then null else s.tech_spend_gbp end as tech_spend_gbp,
    case when s.by_borough and w.publisher_code is null then null else s.lines end as lines,
    s.pipeline_count,
    s.pipeline_value_gbp,
    s.contracts_expiring,
    s.expiring_value_gbp,
    s.challenges_opened
from summed as s
left join boroughs as b on s.borough_code = b.borough_code
left join publishers as p on s.publisher_code = p.publisher_code
left join ref_tech_categories as c on s.tech_category = c.tech_category
left join with_spend as w on s.publisher_code = w.publisher_code;
