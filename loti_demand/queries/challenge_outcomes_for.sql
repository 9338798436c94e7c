-- The procurements that followed one challenge: the publisher's own link first, then suggestions by score.
select
    o.match_type,
    o.ocid,
    p.title,
    p.buyer_name,
    p.stage,
    cast(p.first_release_date as date) as first_published,
    p.value_gbp,
    p.award_value_gbp,
    p.url,
    o.score,
    o.reason,
    o.is_in_warehouse
from challenge_outcomes as o
left join procurements as p on o.ocid = p.ocid
where o.challenge_id = $challenge_id
order by o.match_type = 'suggested', o.score desc nulls first, o.ocid
