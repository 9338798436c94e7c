-- One row per OCDS release (notice) as published, with the buyer resolved to a borough.
-- Source: int_notices (compile_procurements); duplicates and quarantined items stay there for the accounting.
-- The columns are the compiled notice's (enrich.NOTICE_SCHEMA: its ids, then the buyer-to-value_problems columns
-- it shares with procurements), then where it was read.
select
    * exclude (file_id, source_file, source_row, load_status, problem, raw_excerpt),
    source_file,
    source_row
from int_notices
where load_status = 'loaded'
order by ocid, release_date, source_file, source_row
