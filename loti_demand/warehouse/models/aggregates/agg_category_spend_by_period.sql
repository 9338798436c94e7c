-- Tech spend per tech category (category_spend_in, measures.sql) for each spend period the pages offer
-- (page_periods), London-wide (publisher_code NULL) and for each publisher alone.
-- Stored in window order, so a page's read touches only its window's row groups (zone maps).
select *
from category_spend_in((
    select list({'period_start': w.period_start, 'period_end': w.period_end, 'publisher_code': p.publisher_code})
    from (select period_start, period_end from page_periods where kind = 'spend') as w
    cross join (
        select null as publisher_code
        union all
        select distinct publisher_code from agg_spend_by_borough_month
    ) as p
), null)
order by period_start, period_end, publisher_code nulls first, tech_spend_gbp desc, tech_category
