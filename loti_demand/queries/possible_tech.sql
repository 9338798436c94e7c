-- One row: the spend in the window for the chosen publishers ($boroughs, NULL = all London) that is possibly tech
-- (low confidence: only the buying department or a general heading suggests technology), which the tech totals
-- leave out and the pages state beside them.
select
    coalesce(sum(possible_tech_gbp), 0) as possible_tech_gbp,
    cast(coalesce(sum(possible_tech_lines), 0) as bigint) as possible_tech_lines
from agg_spend_by_borough_month
where payment_month between $start and $end
    and ($boroughs is null or list_contains($boroughs, publisher_code))
