-- One row per input file: what was detected and how every line was accounted for. $kind and $area ('' = all;
-- $area is a GSS code) filter the list.
select
    f.path,
    f.kind,
    coalesce(b.borough_name, '') as borough_name,
    f.detected_format,
    f.encoding,
    f.lines_read as rows_read,
    f.rows_loaded,
    f.rows_duplicate,
    f.rows_quarantined,
    f.status,
    f.problem
from source_files as f
left join boroughs as b on f.borough_code = b.borough_code
where ($kind = '' or f.kind = $kind)
    and ($area = '' or f.borough_code = $area)
order by f.kind, b.borough_name, f.path
