-- The London-wide bodies (GLA, TfL...) with a buyer profile, in name order: those whose spend files are loaded or
-- that published London procurement notices.
select p.publisher_code, p.publisher_name
from publishers as p
where p.borough_code is null
    and (
        p.publisher_code in (select a.publisher_code from agg_spend_by_borough_month as a)
        or p.publisher_code in (select d.publisher_code from procurements as d where d.is_london)
    )
order by p.publisher_name
