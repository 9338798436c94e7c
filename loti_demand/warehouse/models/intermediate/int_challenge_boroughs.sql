-- One row per borough of each challenge id, in the order its row names them (position from 1): the row that holds
-- the id now (int_challenges: valid, and not replaced by a later file's row).
select
    id as challenge_id,
    unnest(borough_codes) as borough_code,
    cast(generate_subscripts(borough_codes, 1) as integer) as position
from int_challenges
where problem is null and superseded_by is null
