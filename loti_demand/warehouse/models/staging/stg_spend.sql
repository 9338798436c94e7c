-- One row per non-blank payment line read from a spend file: values parsed, the line's problem named.
-- A line with a problem is quarantined (load_issues); the rest go on to `spend`.
with source as (
    select * from raw_spend
),

parsed as (
    select
        -- ids and provenance
        file_id,
        source_file,
        source_row,
        borough_code,
        nullif(trim(transaction_id), '') as transaction_id,
        -- text as published
        nullif(regexp_replace(trim(supplier_name), '\s+', ' ', 'g'), '') as supplier_name,
        nullif(trim(service_area), '') as service_area,
        nullif(trim(expenditure_category), '') as expenditure_category,
        nullif(trim(purpose), '') as purpose,
        nullif(trim(supplier_ref), '') as supplier_ref,
        nullif(trim(vat_number), '') as vat_number,
        nullif(trim(company_number), '') as company_number,
        nullif(trim(proclass_code), '') as proclass_code,
        nullif(trim(proclass_label), '') as proclass_label,
        -- numerics
        amount as amount_raw,
        parse_amount(amount) as amount_gbp,
        irrecoverable_vat as vat_raw,
        parse_amount(irrecoverable_vat) as irrecoverable_vat_gbp,
        -- dates
        payment_date as payment_date_raw,
        plausible_date(parse_date(payment_date)) as payment_date,
        -- flags
        regexp_matches(
            lower(concat_ws(' ', supplier_name, payment_date, transaction_id, service_area, expenditure_category,
                purpose)),
            '^\s*((grand|sub)[\s-]?)?totals?\b|\b(grand|sub)[\s-]?totals?\b'
        )
        or (supplier_name is null and payment_date is null and transaction_id is null and amount is not null)
            as is_total_row
    from source
)

select
    *,
    case
        when is_total_row then 'total or subtotal row, excluded so that totals are not counted twice'
        when amount_raw is null then 'amount is blank'
        when amount_gbp is null then 'amount is not a number'
        when payment_date_raw is null then 'date is blank'
        when payment_date is null then 'date not recognised (expected a UK day-first date such as 31/01/2024)'
        when vat_raw is not null and irrecoverable_vat_gbp is null then 'irrecoverable VAT is not a number'
    end as problem,
    case
        when is_total_row or amount_raw is null or amount_gbp is null then 'amount'
        when payment_date is null then 'payment_date'
        when vat_raw is not null and irrecoverable_vat_gbp is null then 'irrecoverable_vat'
    end as problem_column
from parsed
