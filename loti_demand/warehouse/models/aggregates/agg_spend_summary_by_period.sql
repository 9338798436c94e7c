-- Tech spend and its coverage (spend_summary_in, measures.sql) in each window of int_spend_windows (each spend
-- period the pages offer, London-wide (publisher_code NULL) and for each publisher alone), for all tech
-- (tech_category NULL) and each tech category: the Spend page reads its headline here instead of grouping the
-- monthly mart per click. Stored in window order, so a page's read touches only its window's row groups (zone maps).
select *
from spend_summary_in((
    select list({
        'period_start': w.period_start,
        'period_end': w.period_end,
        'publisher_code': w.publisher_code,
        'tech_category': c.tech_category
    })
    from int_spend_windows as w
    cross join (select null as tech_category union all select tech_category from ref_tech_categories) as c
), null)
order by period_start, period_end, publisher_code nulls first, tech_category nulls first
