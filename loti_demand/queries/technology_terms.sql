-- The terms What is growing watches (data/reference/technology_terms.csv), in the file's order.
select term
from ref_technology_terms
where nullif(trim(term), '') is not null
