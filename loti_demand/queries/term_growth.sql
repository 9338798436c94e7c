-- How many London notices (dated by their first notice) and challenge statements (by opening date) each watched
-- term is found in, in the year before ($before_start..$before_end) and the latest year ($latest_start..$latest_end):
-- sums of the counts the build stored per kind and date (agg_term_documents), which searched every document for
-- every term as the Demand calendar's ?q= link searches it. Every term is listed, in technology_terms.csv's order.
select
    term,
    cast(coalesce(sum(documents) filter (
        where kind = 'notice' and dated between $before_start and $before_end
    ), 0) as bigint) as notices_before,
    cast(coalesce(sum(documents) filter (
        where kind = 'notice' and dated between $latest_start and $latest_end
    ), 0) as bigint) as notices_latest,
    cast(coalesce(sum(documents) filter (
        where kind = 'challenge' and dated between $before_start and $before_end
    ), 0) as bigint) as statements_before,
    cast(coalesce(sum(documents) filter (
        where kind = 'challenge' and dated between $latest_start and $latest_end
    ), 0) as bigint) as statements_latest
from agg_term_documents
group by term_order, term
order by term_order
