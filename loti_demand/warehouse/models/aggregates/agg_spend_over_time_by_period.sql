-- Tech spend per month and per quarter by tech category (spend_over_time_in, measures.sql) in each window of
-- int_spend_windows: each spend period the pages offer, London-wide (publisher_code NULL) and for each publisher alone.
-- Stored in window order, so a page's read touches only its window's row groups (zone maps).
select *
from spend_over_time_in((
    select list({
        'period_start': w.period_start, 'period_end': w.period_end, 'publisher_code': w.publisher_code, 'grain': g.grain
    })
    from int_spend_windows as w
    cross join (select 'month' as grain union all select 'quarter') as g
), null)
order by period_start, period_end, publisher_code nulls first, grain, grain_start, sort_order
