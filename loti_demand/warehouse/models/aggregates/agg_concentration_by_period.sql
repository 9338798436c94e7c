-- How concentrated each tech category's named-supplier spend is London-wide (supplier_concentration_in,
-- measures.sql) for each spend period the pages offer (page_periods).
select *
from supplier_concentration_in((
    select list({'period_start': period_start, 'period_end': period_end})
    from page_periods
    where kind = 'spend'
), null, null)
