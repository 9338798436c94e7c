-- One row per staged payment line with its fate: loaded, duplicate (the same payment already loaded from an
-- earlier file: same borough, transaction reference, date, supplier and amount) or quarantined.
with lines as (
    select * from stg_spend
),

keyed as (
    select
        *,
        first_value(file_id) over (
            partition by borough_code, transaction_id, payment_date, supplier_name, amount_gbp
            order by file_id, source_row
        ) as first_file_id
    from lines
    where problem is null
)

select
    * exclude (first_file_id),
    case when transaction_id is not null and file_id <> first_file_id then 'duplicate' else 'loaded' end as status
from keyed

union all by name

select *, 'quarantined' as status
from lines
where problem is not null
