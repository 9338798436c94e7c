-- The windows the build stores the spend questions for: each spend period the pages offer (page_periods),
-- London-wide (publisher_code NULL) and for each publisher with spend lines alone.
select w.period_start, w.period_end, p.publisher_code
from page_periods as w
cross join (
    select null as publisher_code
    union all
    select distinct publisher_code from agg_spend_by_borough_month
) as p
where w.kind = 'spend'
