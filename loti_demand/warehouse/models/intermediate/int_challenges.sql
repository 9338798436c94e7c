-- Every challenge row loaded, file by file in line order, with its file's detected format, for int_challenges.py to
-- validate.
select f.detected_format, c.* exclude (ingested_at)
from raw_challenges as c
left join raw_source_files as f on c.file_id = f.file_id
order by c.file_id, c.source_row
