-- Files with quarantined lines or file-level problems, with how many: the choices for the issues filter.
-- nothing_loaded: for a file read whole that loaded nothing (every line quarantined), what source_files says of it.
select
    issues.source_file,
    issues.issues,
    files.nothing_loaded
from (select source_file, count(*) as issues from load_issues group by source_file) as issues
left join (
    select path, max(problem) as nothing_loaded
    from source_files
    where status = 'loaded' and problem is not null
    group by path
) as files on issues.source_file = files.path
order by issues.source_file
