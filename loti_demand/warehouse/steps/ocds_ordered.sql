-- Releases in process order, for compile_procurements: by ocid, then by publication instant (offsets applied), then
-- as read. A release already loaded (same ocid, id and date) from an earlier file or position is a duplicate.
create or replace temp table _ocds_ordered as
select
    row_number() over (
        order by ocid, try_cast(release_date as timestamptz), release_date, file_id, source_row
    ) as seq,
    file_id,
    source_file,
    source_row,
    ocid,
    problem,
    release_json,
    problem is null and row_number() over (
        partition by ocid, release_id, release_date, problem is null order by file_id, source_row
    ) > 1 as is_duplicate
from raw_ocds_releases
