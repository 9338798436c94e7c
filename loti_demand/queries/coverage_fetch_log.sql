-- The API fetch log, newest first (only run when the fetch_log table exists).
select * from fetch_log
