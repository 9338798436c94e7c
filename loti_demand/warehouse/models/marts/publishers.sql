-- One row per publisher of spend: the 33 London authorities (publisher_code = borough_code = GSS code) and the
-- London-wide bodies of data/reference/london_bodies.csv (publisher_code = body_code such as GLA or TFL,
-- borough_code NULL, so their spend never enters a borough's or a per-resident figure).
select
    borough_code as publisher_code,
    borough_name as publisher_name,
    'borough' as publisher_type,
    borough_code
from ref_boroughs

union all

select distinct
    body_code as publisher_code,
    body_name as publisher_name,
    body_type as publisher_type,
    cast(null as varchar) as borough_code
from ref_london_bodies
order by borough_code nulls last, publisher_code
