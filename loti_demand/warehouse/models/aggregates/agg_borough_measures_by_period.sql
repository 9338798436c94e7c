-- Every map measure of every borough (borough_measures_in, measures.sql) for each window the pages offer
-- (page_periods), for all tech (tech_category NULL) and for each tech category: the map reads its answer here
-- instead of grouping the marts on every click.
select *
from borough_measures_in((
    select list({'period_start': w.period_start, 'period_end': w.period_end, 'tech_category': c.tech_category})
    from (select distinct period_start, period_end from page_periods) as w
    cross join (select null as tech_category union all select tech_category from ref_tech_categories) as c
))
