-- Append one fetch log kept in the data folder ($path: DIR/spend/fetch_log.csv or DIR/procurement/fetch_log.csv)
-- to raw_fetch_log. The log is all text; a row cut short by an interrupted write is padded with NULLs, and a row
-- whose time cannot be read (hand-edited) is left out, as it could not be placed in time.
insert into raw_fetch_log by name
select
    source,
    try_cast(replace(fetched_at, 'T', ' ') as timestamp) as fetched_at,
    nullif(publisher, '') as publisher,
    nullif(url, '') as url,
    nullif(path, '') as path,
    nullif(sha256, '') as sha256,
    try_cast(bytes as bigint) as bytes,
    nullif(window_from, '') as window_from,
    nullif(window_to, '') as window_to,
    try_cast(pages as integer) as pages,
    try_cast(files as integer) as files,
    try_cast(releases as integer) as releases,
    try_cast(stated_total as integer) as stated_total,
    nullif(last_date_fetched, '') as last_date_fetched,
    nullif(status, '') as status,
    nullif(problem, '') as problem
from read_csv(
    $path, all_varchar = true, header = true, delim = ',', quote = '"', escape = '"', null_padding = true
)
where source is not null and try_cast(replace(fetched_at, 'T', ' ') as timestamp) is not null
