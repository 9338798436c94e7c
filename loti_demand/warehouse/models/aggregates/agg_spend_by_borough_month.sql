-- One row per borough x month x tech category (NULL = not tech): the small table the dashboard reads.
select
    borough_code,
    payment_month,
    tech_category,
    sum(amount_gbp) as amount_gbp,
    count(*) as lines,
    count(*) filter (where is_redacted) as redacted_lines
from spend
group by all
order by borough_code, payment_month, tech_category
