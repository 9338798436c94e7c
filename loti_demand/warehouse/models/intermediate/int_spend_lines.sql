-- One row per staged payment line with its fate: loaded, duplicate or quarantined. A duplicate is the same
-- payment republished in an overlapping file: same borough, transaction reference, date, supplier and amount
-- (with no reference: same service area, category and purpose too). Lines repeated within one file are
-- separate payments, so the n-th copy in a later file is a duplicate only if an earlier file has n copies.
with lines as (
    select
        *,
        hash(
            borough_code, transaction_id, payment_date, supplier_name, is_redacted, amount_gbp,
            case when transaction_id is null then [service_area, expenditure_category, purpose] end
        ) as dedupe_hash
    from stg_spend
),

valid as (
    select * from lines where problem is null
),

-- Only lines whose key hash appears in more than one file can be duplicates; the exact comparison below runs
-- on those alone (a hash collision can only add candidates, never decide the outcome).
candidate_hashes as (
    select dedupe_hash from valid group by dedupe_hash having count(distinct file_id) > 1
),

candidates as (
    select
        *,
        row_number() over (
            partition by
                file_id, borough_code, transaction_id, payment_date, supplier_name, is_redacted, amount_gbp,
                case when transaction_id is null then [service_area, expenditure_category, purpose] end
            order by source_row
        ) as occurrence
    from valid
    where dedupe_hash in (select dedupe_hash from candidate_hashes)
),

judged as (
    select
        * exclude (occurrence),
        case
            when file_id > min(file_id) over (
                partition by
                    borough_code, transaction_id, payment_date, supplier_name, is_redacted, amount_gbp,
                    case when transaction_id is null then [service_area, expenditure_category, purpose] end,
                    occurrence
            ) then 'duplicate'
            else 'loaded'
        end as status
    from candidates
)

select * exclude (dedupe_hash), 'loaded' as status
from valid
where dedupe_hash not in (select dedupe_hash from candidate_hashes)

union all by name

select * exclude (dedupe_hash) from judged

union all by name

select * exclude (dedupe_hash), 'quarantined' as status
from lines
where problem is not null
