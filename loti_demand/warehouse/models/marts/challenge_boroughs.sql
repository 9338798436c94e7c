-- One row per (challenge, borough): a challenge shared by several boroughs appears under each, in the
-- order the publisher listed them.
select
    cb.challenge_id,
    cb.borough_code,
    cb.position
from int_challenge_boroughs as cb
inner join challenges as c on cb.challenge_id = c.challenge_id
order by cb.challenge_id, cb.position
