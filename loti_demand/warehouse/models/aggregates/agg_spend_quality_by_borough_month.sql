-- One row per publisher x month: how many payment lines have an identified payee, an unmatched one or a redacted
-- one, and the file holding the month's latest payment. Read by the Data and coverage page (never `spend`).
select
    publisher_code,
    any_value(borough_code) as borough_code,
    payment_month,
    count(*) as lines,
    sum(amount_gbp) as amount_gbp,
    count(*) filter (where supplier_id is not null) as identified_lines,
    count(*) filter (where supplier_id is null and not is_redacted) as unresolved_lines,
    count(*) filter (where is_redacted) as redacted_lines,
    count(*) filter (where tech_category is not null) as tech_lines,
    -- latest payment date first, then the later path, so ties resolve the same way every build
    arg_max(source_file, strftime(payment_date, '%Y%m%d') || source_file) as latest_source_file
from spend
group by publisher_code, payment_month
order by publisher_code, payment_month
