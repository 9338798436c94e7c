-- One challenge in full, with its boroughs' names in the order the publisher listed them.
select
    c.*,
    (
        select string_agg(b.borough_name, '; ' order by cb.position)
        from challenge_boroughs as cb
        inner join boroughs as b on cb.borough_code = b.borough_code
        where cb.challenge_id = c.challenge_id
    ) as borough_names,
    coalesce((
        select list(cb.borough_code order by cb.position)
        from challenge_boroughs as cb
        inner join boroughs as b on cb.borough_code = b.borough_code
        where cb.challenge_id = c.challenge_id
    ), []) as borough_codes,
    t.label as tech_category_label
from challenges as c
left join ref_tech_categories as t on c.tech_category = t.tech_category
where c.challenge_id = $challenge_id
