-- The documents of one kind ($kind: notice or challenge) that a word search finds ($clauses: the
-- SearchQuery's patterns, see loti_demand.search), with the text searched, to show where the words are.
select
    doc_id,
    text as search_text
from search_documents
where kind = $kind and search_match(stems, $clauses)
order by doc_id
