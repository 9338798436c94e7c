-- Every non-blank line of every loaded file is exactly one of loaded, duplicate or quarantined.
select path, lines_read, rows_loaded, rows_duplicate, rows_quarantined
from source_files
where status = 'loaded'
    and lines_read <> rows_loaded + rows_duplicate + rows_quarantined
