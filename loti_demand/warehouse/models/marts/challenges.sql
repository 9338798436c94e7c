-- One row per valid challenge statement. Invalid rows are in load_issues instead.
select
    id as challenge_id,
    title,
    statement,
    theme,
    status,
    try_cast(opens_on as date) as opens_on,
    try_cast(closes_on as date) as closes_on,
    try_cast(budget_gbp as decimal(18, 2)) as budget_gbp,
    url,
    contact,
    tech_category,
    tech_category_reason,
    outcome_ocid,
    source_file,
    source_row
from int_challenges
where problem is null
order by closes_on, challenge_id
