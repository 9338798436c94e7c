-- One row describing this build: when, from what, for which area (the region of the reference data), and the
-- date the data runs to ("data as of").
-- A source's "as of" date comes from the bulk of its data, not its latest date: it is the earliest date with at most
-- one in a thousand of the source's dated items (payment lines, notices) after it, and never after the build, so a
-- few items dated ahead by mistake cannot move it (dates beyond ten years after the build are quarantined anyway).
with dated as (
    select 'spend' as source, payment_date as d, count(*) as n from spend where payment_date is not null group by 2
    union all
    select 'notices', cast(release_date as date), count(*) from notices where release_date is not null group by 2
),

after_each_day as (
    select
        source,
        d,
        sum(n) over (partition by source order by d desc rows unbounded preceding) - n as items_after,
        sum(n) over (partition by source) as items
    from dated
),

as_of as (
    select
        min(least(d, built_on)) filter (where source = 'spend') as spend_as_of,
        min(least(d, built_on)) filter (where source = 'notices') as notices_as_of
    from after_each_day, (select cast(built_at as date) as built_on from ref_build)
    where items_after <= floor(items * 0.001)
)

select
    b.built_at,
    b.version as loti_demand_version,
    m.taxonomy_version,
    m.region,
    m.region_name,
    m.authority_word,
    b.is_sample,
    a.spend_as_of,
    a.notices_as_of,
    (select max(opens_on) from challenges) as challenges_as_of,
    greatest(a.spend_as_of, a.notices_as_of) as data_as_of,
    (select count(*) from source_files) as source_file_count,
    cast(null as varchar) as parquet_source  -- a Spark build sets it in its serving file
from ref_build as b, ref_manifest as m, as_of as a
