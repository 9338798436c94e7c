-- The London-wide bodies (GLA, TfL...) whose spend files are in the warehouse, in name order: they are offered
-- beside the boroughs wherever spend can be filtered, and listed beside the borough map.
select p.publisher_code, p.publisher_name
from publishers as p
where p.borough_code is null
    and p.publisher_code in (select distinct a.publisher_code from agg_spend_by_borough_month as a)
order by p.publisher_name
