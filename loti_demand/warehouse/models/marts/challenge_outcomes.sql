-- One row per challenge and a procurement that followed it: 'explicit' when the publisher named it
-- (outcome_ocid, kept even when that procurement is not in the warehouse), 'suggested' when matched by
-- borough, category, timing and text (see normalise/challenge_matching.py).
with explicit as (
    select
        c.challenge_id,
        c.outcome_ocid as ocid,
        'explicit' as match_type,
        cast(null as integer) as score,
        case
            when p.ocid is null
                then 'named by the borough in its challenge statement; the procurement is not in the warehouse'
            else 'named by the borough in its challenge statement'
        end as reason,
        p.ocid is not null as is_in_warehouse
    from challenges as c
    left join procurements as p on c.outcome_ocid = p.ocid
    where c.outcome_ocid is not null
),

suggested as (
    select
        challenge_id,
        ocid,
        'suggested' as match_type,
        score,
        reason,
        true as is_in_warehouse
    from int_challenge_matches
)

select * from explicit
union all
select * from suggested
order by challenge_id, match_type, score desc nulls first, ocid
