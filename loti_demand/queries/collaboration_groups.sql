-- Candidate joint procurements: two or more boroughs buying the same tech category at about the same time.
-- Items: the demand calendar's borough items between $date_from and $date_to (London-wide bodies left out), each
-- placed at its expected date (an inferred re-procurement already due is placed on $date_from). Rule: within a
-- category, take the items in date order; a group starts at the earliest item and takes every item up to
-- $window_months months after it; the next item starts the next group. So a group is fixed by its start date, and
-- the walk from one start to the next takes one step per group over each category's list of distinct dates. A
-- group is a candidate when it holds items from two or more boroughs. One row per candidate group; its items are
-- those of its category placed from group_start to group_end (collaboration_evidence.sql).
-- $area = '' for all groups, or a GSS code for the groups that include that borough.
with recursive items as materialized (
    select
        d.tech_category,
        d.borough_code,
        d.area_name,
        d.value_gbp,
        greatest(d.expected_date, $date_from) as placed_on
    from demand_items as d
    where d.borough_code is not null
        and d.tech_category is not null
        and d.expected_date <= $date_to
        and d.due_until >= $date_from
        and (len($categories) = 0 or list_contains($categories, d.tech_category))
),

-- Each category's distinct dates, in order; the walk takes the first date past the current group's reach.
days as (
    select tech_category, list(distinct placed_on order by placed_on) as days
    from items
    group by tech_category
),

starts (tech_category, group_no, group_start, days) as (
    select tech_category, 1, days[1], days
    from days
    union all
    select tech_category, group_no + 1, next_start, days
    from (
        select *, list_filter(days, lambda x: x > group_start + to_months($window_months))[1] as next_start
        from starts
    )
    where next_start is not null
),

-- Each item's group: how many of its category's group starts are on or before it.
numbered as (
    select
        i.*,
        len(list_filter(s.starts, lambda start: start <= i.placed_on)) as group_no
    from items as i
    inner join (
        select tech_category, list(group_start) as starts from starts group by tech_category
    ) as s on i.tech_category = s.tech_category
),

-- A borough's items in a group (area_name is the borough's name, one per code).
group_boroughs as (
    select
        tech_category,
        group_no,
        borough_code,
        area_name,
        count(*) as items,
        min(placed_on) as first_on,
        max(placed_on) as last_on,
        sum(value_gbp) as value_gbp
    from numbered
    group by all
),

groups as (
    select
        tech_category,
        group_no,
        count(*) as borough_count,
        cast(sum(items) as bigint) as items,
        string_agg(area_name, '; ' order by area_name) as group_boroughs,
        list(borough_code order by borough_code) as group_codes,
        min(first_on) as group_start,
        max(last_on) as group_end,
        sum(value_gbp) as group_value_gbp
    from group_boroughs
    group by tech_category, group_no
    having count(*) >= 2
),

chosen as (
    select
        g.*,
        c.label as tech_category_label,
        row_number() over (order by g.group_start, g.tech_category, g.group_no) as group_rank
    from groups as g
    inner join ref_tech_categories as c on g.tech_category = c.tech_category
    where $area = '' or list_contains(g.group_codes, $area)
)

select
    'Group ' || group_rank as group_id,
    group_rank,
    tech_category,
    tech_category_label,
    group_boroughs,
    group_codes,
    borough_count,
    items,
    group_start,
    group_end,
    group_value_gbp
from chosen
order by group_rank
