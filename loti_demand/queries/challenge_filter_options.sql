-- The choices for the challenge filters, each with how many challenges it holds (kind, value, label, n),
-- plus one 'total' row. A challenge shared by several boroughs counts under each.
select 'borough' as kind, b.borough_code as value, b.borough_name as label, count(*) as n, 0 as sort_key
from challenge_boroughs as cb
inner join boroughs as b on cb.borough_code = b.borough_code
group by b.borough_code, b.borough_name

union all

select 'theme', theme, theme, count(*), 0
from challenges
where theme is not null
group by theme

union all

select 'tech_category', c.tech_category, t.label, count(*), any_value(cast(t.sort_order as integer))
from challenges as c
inner join ref_tech_categories as t on c.tech_category = t.tech_category
group by c.tech_category, t.label

union all

select 'status', status, status, count(*), list_position(['open', 'closed', 'awarded'], status)
from challenges
group by status

union all

select 'total', null, null, count(*), 0
from challenges

order by kind, sort_key, label
