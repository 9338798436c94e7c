-- Candidate joint procurements: two or more boroughs buying the same tech category at about the same time.
-- Items: the demand calendar's borough items between $date_from and $date_to (London-wide bodies left out), each
-- placed at its expected date (an inferred re-procurement already due is placed on $date_from). Rule: within a
-- category, take the items in date order; a group starts at the earliest item and takes every item up to
-- $window_months months after it; the next item starts the next group. A group is a candidate when it holds items
-- from two or more boroughs. One row per item in a candidate group, with the group's facts repeated.
-- $area = '' for all groups, or a GSS code for the groups that include that borough.
with recursive items as materialized (
    select
        d.ocid,
        d.tech_category,
        d.borough_code,
        d.area_name,
        d.value_gbp,
        greatest(d.expected_date, $date_from) as placed_on,
        row_number() over (partition by d.tech_category order by greatest(d.expected_date, $date_from), d.ocid)
            as position
    from demand_items as d
    where d.borough_code is not null
        and d.tech_category is not null
        and d.expected_date <= $date_to
        and d.due_until >= $date_from
        and (len($categories) = 0 or list_contains($categories, d.tech_category))
),

-- Each item's reach: the position of the first later item more than $window_months after it (a RANGE frame
-- counts the items from its first same-day peer to its window's end). Walking from group start to group start
-- takes one step per group, not one per item.
reach as materialized (
    select
        tech_category,
        position,
        min(position) over (partition by tech_category, placed_on)
            + count(*) over (
                partition by tech_category order by placed_on
                range between current row and to_months($window_months) following
            ) as next_start
    from items
),

starts (tech_category, position, group_no) as (
    select tech_category, position, 1
    from items
    where position = 1
    union all
    select s.tech_category, r.next_start, s.group_no + 1
    from starts as s
    inner join reach as r on s.tech_category = r.tech_category and s.position = r.position
    inner join items as i on r.tech_category = i.tech_category and r.next_start = i.position
),

numbered as (
    select
        i.*,
        s.group_no
    from items as i
    asof inner join starts as s on i.tech_category = s.tech_category and i.position >= s.position
),

groups as (
    select
        tech_category,
        group_no,
        count(distinct borough_code) as borough_count,
        count(*) as items,
        string_agg(distinct area_name, '; ' order by area_name) as group_boroughs,
        list(distinct borough_code) as group_codes,
        min(placed_on) as group_start,
        max(placed_on) as group_end,
        sum(value_gbp) as group_value_gbp
    from numbered
    group by tech_category, group_no
    having count(distinct borough_code) >= 2
),

chosen as (
    select
        *,
        row_number() over (order by group_start, tech_category, group_no) as group_rank
    from groups
    where $area = '' or list_contains(group_codes, $area)
)

select
    'Group ' || g.group_rank as group_id,
    g.group_rank,
    g.tech_category,
    c.label as tech_category_label,
    g.group_boroughs,
    g.borough_count,
    g.items,
    g.group_start,
    g.group_end,
    g.group_value_gbp,
    n.borough_code,
    n.area_name,
    d.buyer_name,
    d.title,
    d.confidence,
    d.expected_date,
    n.placed_on,
    d.contract_end,
    n.value_gbp,
    d.url as notice_url,
    n.ocid
from chosen as g
inner join numbered as n on g.tech_category = n.tech_category and g.group_no = n.group_no
inner join demand_items as d on n.ocid = d.ocid
inner join ref_tech_categories as c on g.tech_category = c.tech_category
order by g.group_rank, n.placed_on, n.area_name, n.ocid
