-- Procurements that may have followed each challenge, for int_challenge_matches.py to score by text: same borough,
-- same tech category, first notice published on or after the challenge opened and within $window_months, and not
-- the outcome the publisher already named. int_challenge_matches.py takes them challenge by challenge.
select
    c.challenge_id,
    c.title,
    c.statement,
    c.opens_on,
    c.tech_category,
    cb.borough_code,
    p.ocid,
    p.title as procurement_title,
    p.description,
    cast(p.first_release_date as date) as first_published
from challenges as c
inner join challenge_boroughs as cb on c.challenge_id = cb.challenge_id
inner join procurements as p on cb.borough_code = p.borough_code and c.tech_category = p.tech_category
where c.opens_on is not null
    and cast(p.first_release_date as date) >= c.opens_on
    and cast(p.first_release_date as date) < c.opens_on + to_months($window_months)
    and p.ocid is distinct from c.outcome_ocid
