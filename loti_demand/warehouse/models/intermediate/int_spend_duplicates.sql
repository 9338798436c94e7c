-- One row per staged payment line that repeats a payment of an earlier file: same publisher, transaction reference,
-- date, supplier and amount (with no reference: same service area, category and purpose too). Lines repeated
-- within one file are separate payments, so the n-th copy in a later file is a duplicate only if an earlier file
-- has n copies.
-- A repeat has the same publisher and date as its original, so it can only lie in a file whose dates overlap another
-- file of the same publisher. Only those files' lines are compared (a council's monthly files never overlap; a
-- republished year does); the comparison by key hash then runs on them alone.
with file_ranges as (
    select file_id, publisher_code, min(payment_date) as first_date, max(payment_date) as last_date
    from stg_spend
    group by file_id, publisher_code
),

overlapping as (
    select distinct a.file_id
    from file_ranges as a
    inner join file_ranges as b
        on a.publisher_code is not distinct from b.publisher_code
        and a.file_id <> b.file_id
        and a.first_date <= b.last_date
        and b.first_date <= a.last_date
),

keys as (
    select
        file_id,
        source_row,
        publisher_code,
        transaction_id,
        payment_date,
        supplier_name,
        is_redacted,
        amount_gbp,
        case when transaction_id is null then [service_area, expenditure_category, purpose] end as details,
        -- `details` is the alias just above (DuckDB lets a select list use its earlier aliases)
        hash(publisher_code, transaction_id, payment_date, supplier_name, is_redacted, amount_gbp, details)
            as dedupe_hash
    from stg_spend
    where problem is null and file_id in (select file_id from overlapping)
),

-- Only lines whose key hash appears in more than one file can be duplicates; the exact comparison below runs
-- on those alone (a hash collision can only add candidates, never decide the outcome).
candidates as (
    select
        *,
        row_number() over (
            partition by file_id, publisher_code, transaction_id, payment_date, supplier_name, is_redacted, amount_gbp,
                details
            order by source_row
        ) as occurrence
    from keys
    where dedupe_hash in (
        select dedupe_hash from keys group by dedupe_hash having min(file_id) <> max(file_id)
    )
)

select file_id, source_row
from candidates
qualify file_id > min(file_id) over (
    partition by publisher_code, transaction_id, payment_date, supplier_name, is_redacted, amount_gbp, details,
        occurrence
)
