-- One row per staged payment line with its fate: loaded, duplicate or quarantined. A duplicate is the same
-- payment republished in an overlapping file: same borough, transaction reference, date, supplier and amount
-- (with no reference: same service area, category and purpose too). Lines repeated within one file are
-- separate payments, so the n-th copy in a later file is a duplicate only if an earlier file has n copies.
-- The fate is worked out on the key columns alone (a narrow pass over the staged lines); the wide lines are then
-- staged once more and streamed into the table with it, rather than held in memory between the steps.
with keys as (
    select
        file_id,
        source_row,
        borough_code,
        transaction_id,
        payment_date,
        supplier_name,
        is_redacted,
        amount_gbp,
        case when transaction_id is null then [service_area, expenditure_category, purpose] end as details,
        -- `details` is the alias just above (DuckDB lets a select list use its earlier aliases)
        hash(borough_code, transaction_id, payment_date, supplier_name, is_redacted, amount_gbp, details)
            as dedupe_hash
    from stg_spend
    where problem is null
),

-- Only lines whose key hash appears in more than one file can be duplicates; the exact comparison below runs
-- on those alone (a hash collision can only add candidates, never decide the outcome).
candidates as (
    select
        *,
        row_number() over (
            partition by file_id, borough_code, transaction_id, payment_date, supplier_name, is_redacted, amount_gbp,
                details
            order by source_row
        ) as occurrence
    from keys
    where dedupe_hash in (
        select dedupe_hash from keys group by dedupe_hash having count(distinct file_id) > 1
    )
),

duplicates as (
    select file_id, source_row
    from candidates
    qualify file_id > min(file_id) over (
        partition by borough_code, transaction_id, payment_date, supplier_name, is_redacted, amount_gbp, details,
            occurrence
    )
)

select
    s.*,
    case
        when s.problem is not null then 'quarantined'
        when d.file_id is not null then 'duplicate'
        else 'loaded'
    end as status
from stg_spend as s
left join duplicates as d on s.file_id = d.file_id and s.source_row = d.source_row
