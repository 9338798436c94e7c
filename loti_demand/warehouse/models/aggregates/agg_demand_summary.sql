-- The demand summary over the whole period (demand_summary_in, measures.sql) for each of the 16 choices of
-- dimensions the export offers (summary.GRAINS): borough or not, category or not, and month, quarter, financial
-- year or no period. The Exports page opens on these; a range of months is grouped when asked.
with choices as (
    select {
        'by_borough': a.by_borough,
        'by_category': c.by_category,
        'by_month': p.by_month,
        'by_quarter': p.by_quarter,
        'by_financial_year': p.by_financial_year
    } as choice
    from (values (true), (false)) as a (by_borough)
    cross join (values (true), (false)) as c (by_category)
    cross join (
        values (true, false, false), (false, true, false), (false, false, true), (false, false, false)
    ) as p (by_month, by_quarter, by_financial_year)
)

select *
from demand_summary_in((select list(choice) from choices), null, null)
