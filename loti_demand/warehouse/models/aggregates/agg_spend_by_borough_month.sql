-- One row per publisher x month x tech category (NULL = not tech): the small table the dashboard reads. A
-- publisher is a borough (borough_code = publisher_code) or a London-wide body (borough_code NULL). Lines that are
-- only possibly tech (low confidence: tech_category NULL) are counted apart in the NULL category's row.
select
    publisher_code,
    any_value(borough_code) as borough_code,
    payment_month,
    tech_category,
    sum(amount_gbp) as amount_gbp,
    count(*) as lines,
    count(*) filter (where is_redacted) as redacted_lines,
    coalesce(sum(amount_gbp) filter (where possible_tech_category is not null), 0) as possible_tech_gbp,
    count(*) filter (where possible_tech_category is not null) as possible_tech_lines
from spend
group by publisher_code, payment_month, tech_category
order by publisher_code, payment_month, tech_category
