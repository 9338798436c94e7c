-- One row per fetch, newest first: each API fetch (Find a Tender, Contracts Finder) and, for council spend, each
-- listing read and each file downloaded, changed or refused. Source: raw_fetch_log, written by `fetch fts` /
-- `fetch contracts-finder` with the pages they ingest, and loaded at build time from the data folder's logs.
select
    source,
    fetched_at,
    publisher,
    url,
    path,
    sha256,
    bytes,
    window_from,
    window_to,
    pages,
    files,
    releases,
    stated_total,
    last_date_fetched,
    status,
    problem
from raw_fetch_log
order by fetched_at desc, source, publisher, url
