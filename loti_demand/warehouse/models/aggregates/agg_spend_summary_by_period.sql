-- Tech spend and its coverage (spend_summary_in, measures.sql) for each spend period the pages offer
-- (page_periods), London-wide (publisher_code NULL) and for each publisher alone, for all tech (tech_category NULL)
-- and each tech category: the Spend page reads its headline here instead of grouping the monthly mart per click.
-- Stored in window order, so a page's read touches only its window's row groups (zone maps).
select *
from spend_summary_in((
    select list({
        'period_start': w.period_start,
        'period_end': w.period_end,
        'publisher_code': p.publisher_code,
        'tech_category': c.tech_category
    })
    from (select period_start, period_end from page_periods where kind = 'spend') as w
    cross join (
        select null as publisher_code
        union all
        select distinct publisher_code from agg_spend_by_borough_month
    ) as p
    cross join (select null as tech_category union all select tech_category from ref_tech_categories) as c
), null)
order by period_start, period_end, publisher_code nulls first, tech_category nulls first
