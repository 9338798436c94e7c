-- One row per borough x month x tech category x supplier, for tech lines only: top suppliers and concentration.
select
    borough_code,
    payment_month,
    tech_category,
    supplier_id,
    sum(amount_gbp) as amount_gbp,
    count(*) as lines
from spend
where tech_category is not null and not is_redacted
group by all
order by borough_code, payment_month, tech_category, supplier_id
