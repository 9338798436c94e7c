-- What the challenge list rests on: how many boroughs have set a statement (of how many), and the dates the
-- statements opened, for the caption beside the Challenges page's totals.
select
    (
        select count(distinct cb.borough_code)
        from challenge_boroughs as cb
        inner join boroughs as b on cb.borough_code = b.borough_code
    ) as boroughs_with_challenges,
    (select count(*) from boroughs) as boroughs,
    min(opens_on) as first_opened,
    max(opens_on) as last_opened
from challenges
