-- The spend files ingested before from $paths (a path, or a member or sheet of it: 'x.zip!feb.csv'), loaded or
-- rejected: a file ingested again from the same path is its new version, and replaces them.
select
    file_id,
    path,
    ingested_at,
    publisher_code
from raw_source_files
where kind = 'spend'
    and (list_contains($paths, path) or len(list_filter($paths, lambda p: starts_with(path, p || '!'))) > 0)
order by file_id
