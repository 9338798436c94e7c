-- The London notices (dated by their first notice) and challenge statements (by opening date) that hold any watched
-- term's pattern ($any_pattern), with the stems of their words, for agg_term_documents.py to search for each term.
select
    s.kind,
    s.stems,
    cast(p.first_release_date as date) as dated
from search_documents as s
inner join procurements as p on s.doc_id = p.ocid
where s.kind = 'notice' and p.first_release_date is not null and regexp_matches(s.stems, $any_pattern)
union all
select
    s.kind,
    s.stems,
    c.opens_on as dated
from search_documents as s
inner join challenges as c on s.doc_id = c.challenge_id
where s.kind = 'challenge' and c.opens_on is not null and regexp_matches(s.stems, $any_pattern)
