-- One row per (challenge, borough): a challenge shared by several boroughs appears under each.
select distinct cb.challenge_id, cb.borough_code
from int_challenge_boroughs as cb
inner join int_challenges as c on cb.challenge_id = c.id and c.problem is null
order by cb.challenge_id, cb.borough_code
