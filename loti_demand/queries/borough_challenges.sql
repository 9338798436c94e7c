-- Open challenge statements set by one borough ($borough), soonest closing first.
select
    c.title,
    c.theme,
    coalesce(t.label, 'Not classified') as tech_category_label,
    c.closes_on,
    c.budget_gbp,
    c.url
from challenge_boroughs as cb
inner join challenges as c on cb.challenge_id = c.challenge_id
left join ref_tech_categories as t on c.tech_category = t.tech_category
where cb.borough_code = $borough and c.is_open
order by c.closes_on nulls last, c.title
