-- The word search's synonym groups (data/reference/search_synonyms.csv as built): one row per term, in file order.
select
    group_id,
    term,
    pattern
from search_synonyms
order by group_id, position
