-- term_growth's answer from the counts the build stored (agg_term_documents): how many London notices and challenge
-- statements each watched term is found in, in the year before ($before_start..$before_end) and the latest year
-- ($latest_start..$latest_end). No rows when the build stored none (queries.demand.term_growth then runs
-- term_growth.sql).
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
