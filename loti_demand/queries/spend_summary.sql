-- One row: tech spend in the window for the chosen publishers ($boroughs: boroughs' GSS codes and London-wide
-- bodies' codes, NULL = all London) and category ($category, NULL = all tech), with its coverage: authorities and
-- London-wide bodies with data, the bodies' part of the total, payment lines, redacted lines.
select
    coalesce(sum(amount_gbp) filter (where tech_category is not null), 0) as tech_spend_gbp,
    cast(coalesce(sum(lines) filter (where tech_category is not null), 0) as bigint) as lines,
    cast(coalesce(sum(redacted_lines) filter (where tech_category is not null), 0) as bigint) as redacted_lines,
    count(distinct borough_code) as boroughs_with_data,
    count(distinct publisher_code) filter (where borough_code is null) as bodies_with_data,
    coalesce(sum(amount_gbp) filter (where tech_category is not null and borough_code is null), 0)
        as bodies_tech_spend_gbp,
    count(distinct payment_month) as months_with_data
from agg_spend_by_borough_month
where payment_month between $start and $end
    and ($boroughs is null or list_contains($boroughs, publisher_code))
    and ($category is null or tech_category = $category or tech_category is null)
