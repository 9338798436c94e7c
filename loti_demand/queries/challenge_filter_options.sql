-- The choices for the challenge filters (kind, value, label, n), each with the number of challenges the list would
-- show were it chosen: counted among the challenges matching the search ($clauses) and the other filters (the list
-- with this filter left out). The filters are challenges_list.sql's, each worked out once per challenge here, so one
-- query counts all four. Every choice is listed, with 0 when nothing matches it, so a link's choice stays valid. A
-- challenge shared by several boroughs counts under each. Every borough, technology category and status is a choice,
-- even with no challenge yet, so a supplier can follow one (an alert) before its first challenge is published; the
-- themes are those the challenges name. Plus one 'total' row: every challenge.
with matching as (
    select
        c.challenge_id,
        coalesce($borough is null or c.challenge_id in (
            select cb.challenge_id from challenge_boroughs as cb where cb.borough_code = $borough
        ), false) as borough_ok,
        coalesce($theme is null or c.theme = $theme, false) as theme_ok,
        coalesce($tech_category is null or c.tech_category = $tech_category, false) as tech_category_ok,
        coalesce($status is null or c.status = $status, false) as status_ok
    from challenges as c
    inner join search_documents as s on s.kind = 'challenge' and c.challenge_id = s.doc_id
    where
        search_match(s.stems, $clauses)
        and ($closing_within_days is null or c.closes_on between cast($today as date)
            and cast($today as date) + cast($closing_within_days as integer))
)

select
    'borough' as kind,
    b.borough_code as value,
    b.borough_name as label,
    count(m.challenge_id) filter (where m.theme_ok and m.tech_category_ok and m.status_ok) as n,
    0 as sort_key
from boroughs as b
left join challenge_boroughs as cb on b.borough_code = cb.borough_code
left join matching as m on cb.challenge_id = m.challenge_id
group by b.borough_code, b.borough_name

union all

select
    'theme',
    c.theme,
    c.theme,
    count(m.challenge_id) filter (where m.borough_ok and m.tech_category_ok and m.status_ok),
    0
from challenges as c
left join matching as m on c.challenge_id = m.challenge_id
where c.theme is not null
group by c.theme

union all

select
    'tech_category',
    t.tech_category,
    t.label,
    count(m.challenge_id) filter (where m.borough_ok and m.theme_ok and m.status_ok),
    any_value(cast(t.sort_order as integer))
from ref_tech_categories as t
left join challenges as c on t.tech_category = c.tech_category
left join matching as m on c.challenge_id = m.challenge_id
group by t.tech_category, t.label

union all

select
    'status',
    statuses.status,
    statuses.status,
    count(m.challenge_id) filter (where m.borough_ok and m.theme_ok and m.tech_category_ok),
    list_position(['open', 'closed', 'awarded'], statuses.status)
from (select unnest(['open', 'closed', 'awarded']) as status) as statuses
left join challenges as c on statuses.status = c.status
left join matching as m on c.challenge_id = m.challenge_id
group by statuses.status

union all

select 'total', null, null, count(*), 0
from challenges

order by kind, sort_key, label
