-- One row per borough x month x tech category x supplier, for tech lines only: top suppliers and concentration.
-- Stored in month order, so a query for a window reads only that window's row groups (zone maps).
select
    borough_code,
    payment_month,
    tech_category,
    supplier_id,
    cast(sum(amount_gbp) as decimal(18, 2)) as amount_gbp,
    count(*) as lines
from spend
where tech_category is not null and not is_redacted
group by all
order by payment_month, borough_code, tech_category, supplier_id
