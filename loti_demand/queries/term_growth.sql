-- How many London notices (dated by their first notice) and challenge statements (by opening date) each watched
-- term is found in, in the year before ($before_start..$before_end) and the latest year ($latest_start..$latest_end).
-- $terms are data/reference/technology_terms.csv's terms and $term_clauses each one's word search (the clauses
-- SearchQuery.patterns() gives, synonyms included): the same search the Demand calendar's ?q= link runs.
-- $any_pattern (every term's patterns as one regular expression) passes only the documents holding one of them, so
-- the terms' searches run over those alone (at 500k releases, one scan instead of one per pattern).
-- The answer worked out, for a warehouse whose build stored none: queries.demand.term_growth reads the counts the
-- build stored (agg_term_documents, term_growth_stored.sql) first.
with terms as (
    select
        unnest($terms) as term,
        unnest($term_clauses) as clauses,
        generate_subscripts($terms, 1) as term_order
),

documents as (
    select
        s.kind,
        s.stems,
        cast(p.first_release_date as date) as dated
    from search_documents as s
    inner join procurements as p on s.doc_id = p.ocid
    where
        s.kind = 'notice'
        and cast(p.first_release_date as date) between $before_start and $latest_end
        and regexp_matches(s.stems, $any_pattern)
    union all
    select
        s.kind,
        s.stems,
        c.opens_on as dated
    from search_documents as s
    inner join challenges as c on s.doc_id = c.challenge_id
    where
        s.kind = 'challenge'
        and c.opens_on between $before_start and $latest_end
        and regexp_matches(s.stems, $any_pattern)
)

select
    t.term,
    count(d.kind) filter (where d.kind = 'notice' and d.dated <= $before_end) as notices_before,
    count(d.kind) filter (where d.kind = 'notice' and d.dated >= $latest_start) as notices_latest,
    count(d.kind) filter (where d.kind = 'challenge' and d.dated <= $before_end) as statements_before,
    count(d.kind) filter (where d.kind = 'challenge' and d.dated >= $latest_start) as statements_latest
from terms as t
left join documents as d on search_match(d.stems, t.clauses)
group by t.term, t.term_order
order by t.term_order
