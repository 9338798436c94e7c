-- One row per quarantined line or file-level problem, with the file, row, column and what to do; and one per loaded
-- notice with a value left out (a negative or infinite amount, a date in the year 9999: notices.value_problems).
select source_file, source_row, column_name, raw_value, problem
from raw_load_issues

union all

select
    files.path as source_file,
    lines.source_row,
    lines.problem_column as column_name,
    lines.problem_value as raw_value,
    lines.problem
from int_spend_lines as lines
inner join raw_source_files as files on lines.file_id = files.file_id
where lines.status = 'quarantined'

union all

select source_file, source_row, problem_column, problem_value, problem
from int_challenges
where problem is not null

union all

select source_file, source_row, 'release' as column_name, raw_excerpt as raw_value, problem
from int_notices
where load_status = 'quarantined'

union all

select source_file, source_row, 'release' as column_name, null as raw_value, value_problems as problem
from int_notices
where load_status = 'loaded' and value_problems is not null
order by source_file, source_row
