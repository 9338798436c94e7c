-- One row describing this build: when, from what, and the date the data runs to ("data as of").
select
    b.built_at,
    b.version as loti_demand_version,
    m.taxonomy_version,
    b.is_sample,
    (select max(payment_date) from spend) as spend_as_of,
    (select cast(max(release_date) as date) from notices) as notices_as_of,
    (select max(opens_on) from challenges) as challenges_as_of,
    greatest(
        (select max(payment_date) from spend),
        (select cast(max(release_date) as date) from notices)
    ) as data_as_of,
    (select count(*) from source_files) as source_file_count
from ref_build as b, ref_manifest as m
