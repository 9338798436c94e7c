-- Tech spend per tech category (category_spend_in, measures.sql) in each window of int_spend_windows: each spend
-- period the pages offer, London-wide (publisher_code NULL) and for each publisher alone.
-- Stored in window order, so a page's read touches only its window's row groups (zone maps).
select *
from category_spend_in((
    select list({'period_start': period_start, 'period_end': period_end, 'publisher_code': publisher_code})
    from int_spend_windows
), null)
order by period_start, period_end, publisher_code nulls first, tech_spend_gbp desc, tech_category
