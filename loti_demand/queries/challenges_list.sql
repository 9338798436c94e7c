-- Challenges matching the page's search and filters, soonest closing first (no closing date last).
-- $clauses: the word search (loti_demand.search: whole words by stem, phrases, synonyms) over the title, statement
-- and theme; an empty list means no search. search_text is the text searched, to show where the words are.
-- Filters left NULL do not filter; the borough filter counts every borough of a shared challenge.
with outcomes as (
    select
        challenge_id,
        bool_or(match_type = 'explicit') as has_explicit,
        bool_or(match_type = 'suggested') as has_suggested
    from challenge_outcomes
    group by challenge_id
),

names as (
    select cb.challenge_id, string_agg(b.borough_name, '; ' order by cb.position) as borough_names
    from challenge_boroughs as cb
    inner join boroughs as b on cb.borough_code = b.borough_code
    group by cb.challenge_id
)

select
    c.challenge_id,
    c.title,
    names.borough_names,
    c.theme,
    t.label as tech_category_label,
    c.status,
    c.opens_on,
    c.closes_on,
    c.budget_gbp,
    case
        when o.has_explicit then 'Named by the borough'
        when o.has_suggested then 'Suggested (unconfirmed)'
        else 'None known'
    end as led_to_procurement,
    c.url,
    s.text as search_text
from challenges as c
inner join search_documents as s on s.kind = 'challenge' and c.challenge_id = s.doc_id
left join names on c.challenge_id = names.challenge_id
left join outcomes as o on c.challenge_id = o.challenge_id
left join ref_tech_categories as t on c.tech_category = t.tech_category
where
    search_match(s.stems, $clauses)
    and ($borough is null or c.challenge_id in (
        select cb.challenge_id from challenge_boroughs as cb where cb.borough_code = $borough
    ))
    and ($theme is null or c.theme = $theme)
    and ($tech_category is null or c.tech_category = $tech_category)
    and ($status is null or c.status = $status)
    and ($closing_within_days is null or c.closes_on between cast($today as date)
        and cast($today as date) + cast($closing_within_days as integer))
order by c.closes_on nulls last, c.title, c.challenge_id
