-- The choices for the challenge filters (kind, value, label, n), each with the number of challenges the list would
-- show were it chosen: counted among $<kind>_ids, the challenges matching the search and the other filters (the
-- list with this filter left out). Every choice is listed, with 0 when nothing matches it, so a link's choice stays
-- valid. A challenge shared by several boroughs counts under each. Plus one 'total' row: every challenge.
select
    'borough' as kind,
    b.borough_code as value,
    b.borough_name as label,
    count(*) filter (where list_contains($borough_ids, cb.challenge_id)) as n,
    0 as sort_key
from challenge_boroughs as cb
inner join boroughs as b on cb.borough_code = b.borough_code
group by b.borough_code, b.borough_name

union all

select 'theme', theme, theme, count(*) filter (where list_contains($theme_ids, challenge_id)), 0
from challenges
where theme is not null
group by theme

union all

select
    'tech_category',
    c.tech_category,
    t.label,
    count(*) filter (where list_contains($tech_category_ids, c.challenge_id)),
    any_value(cast(t.sort_order as integer))
from challenges as c
inner join ref_tech_categories as t on c.tech_category = t.tech_category
group by c.tech_category, t.label

union all

select
    'status',
    status,
    status,
    count(*) filter (where list_contains($status_ids, challenge_id)),
    list_position(['open', 'closed', 'awarded'], status)
from challenges
group by status

union all

select 'total', null, null, count(*), 0
from challenges

order by kind, sort_key, label
