-- One row per valid challenge statement, in its latest published version. Rows with a problem are in
-- load_issues; rows replaced by a later file with the same id are counted as duplicates in source_files.
select
    -- ids
    id as challenge_id,
    -- text
    title,
    statement,
    theme,
    status,
    -- booleans: the one definition of an open challenge (metrics.MEASURES['open_challenges'])
    coalesce(status = 'open', false) as is_open,
    -- dates
    try_cast(opens_on as date) as opens_on,
    try_cast(closes_on as date) as closes_on,
    -- numerics
    try_cast(budget_gbp as decimal(18, 2)) as budget_gbp,
    -- links and classification
    url,
    contact,
    tech_category,
    tech_category_reason,
    outcome_ocid,
    -- provenance
    source_file,
    source_row
from int_challenges
where problem is null and superseded_by is null
order by closes_on nulls last, challenge_id
