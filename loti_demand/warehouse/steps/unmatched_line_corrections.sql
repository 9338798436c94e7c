-- The line corrections of classification_corrections.csv (kind line: $files, $rows, at the file's rows
-- $correction_rows) that name no line of the spend mart, with how many lines the file they name has there (0 when
-- none: no such file, or a path spelt otherwise than source_files has it).
with corrections as (
    select
        unnest($correction_rows) as correction_row,
        unnest($files) as source_file,
        unnest($rows) as source_row
)

select
    c.correction_row,
    c.source_file,
    c.source_row,
    (select count(*) from spend as f where f.source_file = c.source_file) as file_lines
from corrections as c
where not exists (
    select 1 from spend as s
    where s.source_file = c.source_file and s.source_row = c.source_row
)
order by c.correction_row
