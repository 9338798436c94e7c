-- One row per publisher x month x tech category x supplier, for tech lines only: top suppliers and concentration.
-- Stored in month order, so a query for a window reads only that window's row groups (zone maps).
-- supplier_key and borough_bit stand in for the two text keys when a query groups 20,000 suppliers: grouping by
-- an integer, and counting a supplier's boroughs as the set bits of a mask, is several times faster than text.
-- A London-wide body's rows have borough_bit 0: they count towards no borough.
with by_month as (
    select
        publisher_code,
        any_value(borough_code) as borough_code,
        payment_month,
        tech_category,
        supplier_id,
        cast(sum(amount_gbp) as decimal(18, 2)) as amount_gbp,
        count(*) as lines
    from spend
    where tech_category is not null and not is_redacted
    group by publisher_code, payment_month, tech_category, supplier_id
),

supplier_keys as (
    select supplier_id, cast(row_number() over (order by supplier_id) as integer) as supplier_key
    from (select distinct supplier_id from by_month)
),

borough_bits as (
    select
        borough_code,
        cast(cast(1 as ubigint) << cast(row_number() over (order by borough_code) - 1 as integer) as ubigint)
            as borough_bit
    from boroughs
)

select
    m.publisher_code,
    m.borough_code,
    m.payment_month,
    m.tech_category,
    m.supplier_id,
    m.amount_gbp,
    m.lines,
    k.supplier_key,
    coalesce(b.borough_bit, cast(0 as ubigint)) as borough_bit
from by_month as m
inner join supplier_keys as k on m.supplier_id is not distinct from k.supplier_id
left join borough_bits as b on m.borough_code = b.borough_code
order by m.payment_month, m.publisher_code, m.tech_category, m.supplier_id
