-- One row per non-blank line read after the header of a spend file, values parsed and the line's problem named.
-- Amounts are read with the file's decimal mark (a few European exports write 1.234,56), judged from all its lines.
-- Dates outside 1990 to ten years after the build are quarantined.
-- Totals rows (an amount with no date and no transaction reference, and no supplier or a 'Total' label) are
-- flagged. Redacted payees lose their name here and keep their amount. Text and dates are parsed once per
-- distinct value and joined back: a million lines hold a few thousand distinct dates and names.
-- Lines carry their file_id; the marts join the file's path back (a path on every line would be ten million
-- strings in the build's largest table, which then spills to disk under the build's memory limit).
-- A file's decimal mark: a comma when more of its amounts can only be read with one ('12,50', '1.234,56') than with
-- a point ('12.50', '1,234.56'). Files with neither kind ('500', '1,234') read as UK amounts.
with decimal_marks as (
    select
        file_id,
        count(*) filter (where mark = ',') as comma_lines,
        count(*) filter (where mark = '.') as point_lines
    from (select file_id, decimal_mark(amount) as mark from raw_spend)
    group by file_id
),

source as (
    select
        raw.file_id,
        raw.source_row,
        files.borough_code,
        coalesce(files.publisher_code, files.borough_code) as publisher_code,
        raw.payment_date,
        raw.service_area,
        raw.supplier_name,
        raw.expenditure_category,
        raw.purpose,
        raw.amount,
        raw.irrecoverable_vat,
        raw.transaction_id,
        raw.supplier_ref,
        raw.vat_number,
        raw.company_number,
        raw.proclass_code,
        raw.proclass_label,
        raw.payee_type,
        raw.descriptions,
        raw.read_problem,
        coalesce(marks.comma_lines > marks.point_lines, false) as is_decimal_comma,
        coalesce(marks.comma_lines > 0 and marks.point_lines > 0, false) as has_both_marks
    from raw_spend as raw
    inner join raw_source_files as files on raw.file_id = files.file_id
    left join decimal_marks as marks on raw.file_id = marks.file_id
),

-- Each text column is tidied once per distinct value (a few thousand in a million lines) and joined back.
payee_names as (
    select v, tidy_text(v) as t, coalesce(is_redacted_name(tidy_text(v)), false) as is_redacted
    from (select distinct supplier_name as v from raw_spend)
),

payee_types as (
    select v, tidy_text(v) as t, coalesce(is_individual_payee(v), false) as is_individual
    from (select distinct payee_type as v from raw_spend)
),

service_areas as (select v, tidy_text(v) as t from (select distinct service_area as v from raw_spend)),
categories as (select v, tidy_text(v) as t from (select distinct expenditure_category as v from raw_spend)),
purposes as (select v, tidy_text(v) as t from (select distinct purpose as v from raw_spend)),
proclass_codes as (select v, tidy_text(v) as t from (select distinct proclass_code as v from raw_spend)),
proclass_labels as (select v, tidy_text(v) as t from (select distinct proclass_label as v from raw_spend)),
descriptions as (select v, tidy_text(v) as t from (select distinct descriptions as v from raw_spend)),
supplier_refs as (select v, tidy_text(v) as t from (select distinct supplier_ref as v from raw_spend)),
vat_numbers as (select v, tidy_text(v) as t from (select distinct vat_number as v from raw_spend)),
company_numbers as (select v, tidy_text(v) as t from (select distinct company_number as v from raw_spend)),

-- Payment dates are accepted from 1990 to ten years after the build; a date outside moves nothing (build_info's
-- data_as_of, the pages' periods) and its line is quarantined.
dates as (
    select
        payment_date,
        tidy_text(payment_date) as payment_date_t,
        case when parsed between date '1990-01-01' and last_day then parsed end as payment_date_parsed,
        parsed is not null and not parsed between date '1990-01-01' and last_day as is_outside_window,
        -- the same date read month first (03/31/2024): for the files whose dates show they are written that way
        case when swapped between date '1990-01-01' and last_day then swapped end as payment_date_month_first,
        swapped is not null and not swapped between date '1990-01-01' and last_day as is_outside_window_month_first
    from
        (select
            payment_date,
            parse_date(payment_date) as parsed,
            parse_date(regexp_replace(payment_date, '^\s*(\d{1,2})([/.-])(\d{1,2})([/.-])', '\3\2\1\4')) as swapped
        -- parsed once per distinct text: a distinct over the parsed columns too would parse every line first
        from (select distinct payment_date from raw_spend)),
        (select cast(cast(built_at as date) + interval 10 year as date) as last_day from ref_build)
),

-- The names in each file's header of the three required columns, to know a line that repeats the header.
headers as (
    select
        file_id,
        lower(trim_ws(json_extract_string(column_mapping, '$.payment_date'))) as payment_date,
        lower(trim_ws(json_extract_string(column_mapping, '$.supplier_name'))) as supplier_name,
        lower(trim_ws(json_extract_string(column_mapping, '$.amount'))) as amount
    from raw_source_files
),

-- A file's numeric dates are read day first (UK), unless some have a second number over 12 and none a first
-- number over 12: then the file writes them month first (a US-style export, 12/31/2009), and all of its dates are
-- read that way. A file with both is read day first, and the dates that cannot be are quarantined. The months of a
-- file's dates that only one reading can give (31/01/2024, 2024-01-31, 31 Jan 2024) are kept for the dates both
-- readings can give (see joined).
date_orders as (
    select
        p.file_id,
        count(*) filter (where p.second_number > 12) > 0 and count(*) filter (where p.first_number > 12) = 0
            as is_month_first,
        cast(date_trunc('month', min(d.payment_date_parsed) filter (where coalesce(p.first_number > 12, true)))
            as date) as span_start,
        last_day(max(d.payment_date_parsed) filter (where coalesce(p.first_number > 12, true))) as span_end
    from (
        select
            file_id,
            payment_date,
            try_cast(regexp_extract(payment_date, '^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b', 1) as integer)
                as first_number,
            try_cast(regexp_extract(payment_date, '^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b', 2) as integer)
                as second_number
        from (select distinct file_id, payment_date from raw_spend)
    ) as p
    left join dates as d on p.payment_date = d.payment_date
    group by p.file_id
),

joined as (
    select
        -- ids and provenance
        source.file_id,
        source.source_row,
        source.borough_code,
        source.publisher_code,
        case
            when source.transaction_id like ' %' or source.transaction_id like '% '
                then nullif(trim(source.transaction_id), '')
            else nullif(source.transaction_id, '')
        end as transaction_id,
        -- text as published, tidied; a redacted payee's name is withheld
        coalesce(pn.is_redacted or pt.is_individual, false) as is_redacted,
        case when not coalesce(pn.is_redacted or pt.is_individual, false) then pn.t end as supplier_name,
        sa.t as service_area,
        ec.t as expenditure_category,
        pu.t as purpose,
        sr.t as supplier_ref,
        vn.t as vat_number,
        cn.t as company_number,
        pc.t as proclass_code,
        pl.t as proclass_label,
        pt.t as payee_type,
        -- every descriptive column ('Header: value | ...'), which the classification reads; a warehouse built
        -- before it had them says what the category and purpose columns say
        coalesce(ds.t, nullif(concat_ws(' | ', 'Category: ' || ec.t, 'Purpose: ' || pu.t), '')) as descriptions,
        -- raw values, kept for load_issues
        source.amount as amount_raw,
        source.irrecoverable_vat as vat_raw,
        d.payment_date_t as payment_date_raw,
        source.payment_date as payment_date_published,
        -- parsed, with the file's decimal mark
        case when source.is_decimal_comma then parse_amount_decimal_comma(source.amount)
            else parse_amount(source.amount) end as amount_gbp,
        case when source.is_decimal_comma then parse_amount_decimal_comma(vat_text(source.irrecoverable_vat))
            else parse_amount(vat_text(source.irrecoverable_vat)) end as irrecoverable_vat_gbp,
        case
            when o.is_month_first then d.payment_date_month_first
            -- a date that reads day first outside those months and month first inside them was turned round on
            -- its way (a spreadsheet reading 01/11/2024 as 11 January, US style, and writing it 11/01/2024):
            -- Chelmsford's direct debits among its November payments
            when d.payment_date_parsed not between o.span_start and o.span_end
                and d.payment_date_month_first between o.span_start and o.span_end
                then d.payment_date_month_first
            else d.payment_date_parsed
        end as payment_date,
        case when o.is_month_first then d.is_outside_window_month_first else d.is_outside_window end
            as is_outside_window,
        source.read_problem,
        -- the line's supplier cell as published and the header's names, to know a line that repeats the header
        source.supplier_name as supplier_name_published,
        h.payment_date as header_payment_date,
        h.supplier_name as header_supplier_name,
        h.amount as header_amount,
        -- an amount the file's decimal mark does not settle: the other mark ('12,50' among '1,234.56'), or, in a
        -- file of decimal commas, a comma and three digits ('1,234': thousands, or three decimals?)
        case
            when source.has_both_marks and decimal_mark(source.amount) not in ('', case when source.is_decimal_comma
                then ',' else '.' end)
                then 'amount is ambiguous: its decimal mark is not the one most of this file uses '
                    || case when source.is_decimal_comma then '(1.234,56)' else '(1,234.56)' end
            when source.is_decimal_comma and regexp_matches(source.amount, '^[^.]*,[0-9]{3}[^0-9.,]*$')
                then 'amount is ambiguous: this file writes decimal commas (1.234,56), so a comma before three '
                    || 'digits may be a thousands separator or three decimals'
            when has_misplaced_commas(case when source.is_decimal_comma then translate(source.amount, '.,', ',.')
                else source.amount end)
                then 'amount is ambiguous: its thousands separators do not group the digits in threes '
                    || '(1,234,567.89), so it was mistyped; correct it in the file'
        end as amount_ambiguity
    from source
    left join payee_names as pn on source.supplier_name = pn.v
    left join payee_types as pt on source.payee_type = pt.v
    left join service_areas as sa on source.service_area = sa.v
    left join categories as ec on source.expenditure_category = ec.v
    left join purposes as pu on source.purpose = pu.v
    left join proclass_codes as pc on source.proclass_code = pc.v
    left join proclass_labels as pl on source.proclass_label = pl.v
    left join descriptions as ds on source.descriptions = ds.v
    left join supplier_refs as sr on source.supplier_ref = sr.v
    left join vat_numbers as vn on source.vat_number = vn.v
    left join company_numbers as cn on source.company_number = cn.v
    left join dates as d on source.payment_date = d.payment_date
    left join date_orders as o on source.file_id = o.file_id
    left join headers as h on source.file_id = h.file_id
),

flagged as (
    select
        *,
        coalesce(
            case
                when amount_gbp is not null and transaction_id is null and payment_date is null
                    then supplier_name is null and not is_redacted
                    or regexp_matches(
                        concat_ws(' | ', supplier_name, service_area, expenditure_category, purpose, payment_date_raw),
                        '(?i)(^|\| )[^0-9A-Za-z|]*((grand|sub)[ -]?)?totals?\b|\btotals?[^0-9A-Za-z|]*($| \|)'
                    )
                -- a dated line whose supplier is only the word Total (a month's subtotal under its last date)
                when amount_gbp is not null and transaction_id is null
                    then regexp_full_match(coalesce(supplier_name, ''), '(?i)[^0-9A-Za-z]*((grand|sub)[ -]?)?totals?\W*')
            end,
            false
        ) as is_total_row,
        -- a line that repeats the header row (Ealing's files repeat it under the header): its amount is the amount
        -- column's name, not a number, so only lines whose amount did not parse are compared. Here and below a case,
        -- not `amount_gbp is null and ...`: outside a where clause DuckDB works out every operand of an `and` for
        -- every line, and tidying three cells of each line took 9 of the model's 21 s of CPU at 10M lines.
        case
            when amount_gbp is null
                then coalesce(
                    lower(trim_ws(amount_raw)) = header_amount
                    and lower(trim_ws(payment_date_published)) = header_payment_date
                    and lower(trim_ws(supplier_name_published)) = header_supplier_name,
                    false
                )
            else false
        end as is_header_repeat,
        -- a line with words only in columns that say neither when, whom nor how much (a report tool's marker rows)
        case
            when amount_gbp is null
                then nullif(trim_ws(amount_raw), '') is null
                and nullif(trim_ws(payment_date_published), '') is null
                and nullif(trim_ws(supplier_name_published), '') is null
            else false
        end as is_no_payment,
        -- a supplier cell holding a spreadsheet's error value ('#N/A' from a failed lookup) names no one
        case
            when left(ltrim(supplier_name_published), 1) = '#' then is_sheet_error(supplier_name_published)
            else false
        end as is_error_supplier
    from joined
),

problems as (
    select
        *,
        case
            when read_problem is not null then read_problem
            when is_header_repeat then 'a repeat of the header row'
            when is_total_row then 'total or subtotal row, excluded so that totals are not counted twice'
            when amount_ambiguity is not null then amount_ambiguity
            when is_no_payment then 'no date, supplier or amount: a note or a report''s marker, not a payment'
            when amount_gbp is null and nullif(trim_ws(amount_raw), '') is null then 'amount is blank'
            when amount_gbp is null
                then 'amount is not a number (expected e.g. 1,234.56, -12.00 or (12.00))' || hidden_note(amount_raw)
            when payment_date is null and payment_date_raw is null then 'date is blank'
            when is_outside_window
                then 'date is outside the years accepted (1990 to ten years after the build): a typing error?'
            when payment_date is null
                then 'date not recognised (expected a UK day-first date such as 31/01/2024)'
                    || hidden_note(payment_date_published)
            when irrecoverable_vat_gbp is null and nullif(trim_ws(vat_text(vat_raw)), '') is not null
                then 'irrecoverable VAT is not a number' || hidden_note(vat_raw)
            when is_error_supplier
                then 'supplier is a spreadsheet''s error value, not a name: a formula failed in the file (a lookup '
                    || 'that found nothing); correct it there'
        end as problem,
        case
            when read_problem is not null or is_header_repeat or is_no_payment then null
            when is_total_row or amount_ambiguity is not null or amount_gbp is null then 'amount'
            when payment_date is null then 'payment_date'
            when irrecoverable_vat_gbp is null and nullif(trim_ws(vat_text(vat_raw)), '') is not null then 'irrecoverable_vat'
            when is_error_supplier then 'supplier_name'
        end as problem_column
    from flagged
)

-- The raw text of a line's values is kept only where it is the problem (for load_issues): three strings on every
-- line would be most of the build's largest table.
select
    * exclude (
        amount_raw, vat_raw, payment_date_raw, payment_date_published, payee_type, read_problem, amount_ambiguity,
        is_outside_window, is_header_repeat, is_no_payment, is_error_supplier, supplier_name_published,
        header_payment_date, header_supplier_name, header_amount
    ),
    nullif(
        case problem_column
            when 'payment_date' then payment_date_published
            when 'irrecoverable_vat' then vat_raw
            when 'amount' then amount_raw
            when 'supplier_name' then supplier_name_published
        end,
        ''
    ) as problem_value
from problems
