-- The procurements that followed one challenge: the publisher's own link first, then suggestions by score.
with first_notice as (
    select ocid, cast(min(release_date) as date) as first_published
    from notices
    group by ocid
)

select
    o.match_type,
    o.ocid,
    p.title,
    p.buyer_name,
    p.stage,
    f.first_published,
    p.value_gbp,
    p.award_value_gbp,
    p.url,
    o.score,
    o.reason,
    o.is_in_warehouse
from challenge_outcomes as o
left join procurements as p on o.ocid = p.ocid
left join first_notice as f on o.ocid = f.ocid
where o.challenge_id = $challenge_id
order by o.match_type = 'suggested', o.score desc nulls first, o.ocid
