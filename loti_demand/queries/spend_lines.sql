-- Drill-down: the largest payment lines of one borough in one month (optionally one tech category), largest
-- first. `spend` keeps each borough's lines together (a build reads one borough at a time), so zone maps skip
-- every other borough's row groups.
select
    payment_date,
    supplier_name,
    amount_gbp,
    expenditure_category,
    service_area,
    purpose,
    tech_category,
    transaction_id,
    source_file,
    source_row
from spend
where
    borough_code = $borough_code
    and payment_month = $month
    and ($tech_category is null or tech_category = $tech_category)
order by amount_gbp desc, payment_date, supplier_name, source_file, source_row
limit $limit
