-- Every API fetch, newest first, for the coverage page: window, pages, releases, stated totals, status.
select * from fetch_log
order by fetched_at desc, source
