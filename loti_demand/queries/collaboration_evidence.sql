-- The procurements in chosen candidate groups (collaboration_groups.sql): a group holds every item of its category
-- placed from its first to its last date, since groups follow one another in date order within a category. The
-- items are those of the demand calendar between $date_from and $date_to, less London-wide bodies, each placed at
-- its expected date or, when already due, on $date_from, as in the grouping.
-- $group_ranks, $tech_categories, $group_starts and $group_ends list the chosen groups, one entry each.
with chosen as (
    select
        unnest(cast($group_ranks as bigint[])) as group_rank,
        unnest(cast($tech_categories as varchar[])) as tech_category,
        unnest(cast($group_starts as date[])) as group_start,
        unnest(cast($group_ends as date[])) as group_end
),

items as (
    select
        d.ocid,
        d.tech_category,
        d.borough_code,
        d.area_name,
        d.buyer_name,
        d.title,
        d.confidence,
        d.expected_date,
        d.contract_end,
        d.value_gbp,
        d.url,
        greatest(d.expected_date, $date_from) as placed_on
    from demand_items as d
    where d.borough_code is not null
        and d.expected_date <= $date_to
        and d.due_until >= $date_from
)

select
    'Group ' || g.group_rank as group_id,
    g.group_rank,
    i.tech_category,
    c.label as tech_category_label,
    i.borough_code,
    i.area_name,
    i.buyer_name,
    i.title,
    i.confidence,
    i.expected_date,
    i.placed_on,
    i.contract_end,
    i.value_gbp,
    i.url as notice_url,
    i.ocid
from chosen as g
inner join items as i
    on g.tech_category = i.tech_category and i.placed_on between g.group_start and g.group_end
inner join ref_tech_categories as c on g.tech_category = c.tech_category
order by g.group_rank, i.placed_on, i.area_name, i.ocid
