-- For int_notices.py, which compiles each process (ocid) on its own: every release read, with its place in its
-- process (position: by publication instant, offsets applied, then as read), whether it is a duplicate (a release
-- already loaded, same ocid, id and date, from an earlier file or position: the same instant however it is written,
-- '10:00:00Z' or '10:00:00.000+00:00'; the same text where it is no date) and the last publication date a release
-- may have (ten years after the build; the first is 1 January 1990).
select
    r.ocid,
    row_number() over (
        partition by r.ocid
        order by try_cast(r.release_date as timestamptz), r.release_date, r.file_id, r.source_row
    ) as position,
    r.file_id,
    r.source_file,
    r.source_row,
    r.problem,
    r.problem is null and row_number() over (
        partition by
            r.ocid,
            r.release_id,
            try_cast(r.release_date as timestamptz),
            case when try_cast(r.release_date as timestamptz) is null then r.release_date end,
            r.problem is null
        order by r.file_id, r.source_row
    ) > 1 as is_duplicate,
    r.release_json,
    cast(cast(b.built_at as date) + interval 10 year as date) as last_day
from raw_ocds_releases as r
cross join ref_build as b
