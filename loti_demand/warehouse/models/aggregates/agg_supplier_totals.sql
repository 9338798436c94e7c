-- One row per supplier paid for technology with its name shown (agg_spend_by_supplier): its tech spend over every
-- loaded month. The Supplier profile lists every supplier and opens on the largest; summing the monthly mart for
-- each visit grew with the data (about 50 ms at 10M lines, 230 ms at 50M).
select
    supplier_id,
    sum(amount_gbp) as tech_spend_gbp
from agg_spend_by_supplier
where supplier_id is not null
group by supplier_id
order by supplier_id
