-- One row per API fetch (Find a Tender, Contracts Finder), newest first: what was asked for and what came back.
-- Source: raw_fetch_log, written by `python -m loti_demand fetch` in the same transaction as the pages it ingests.
select
    source,
    fetched_at,
    window_from,
    window_to,
    pages,
    releases,
    stated_total,
    last_date_fetched,
    status,
    problem
from raw_fetch_log
order by fetched_at desc, source
