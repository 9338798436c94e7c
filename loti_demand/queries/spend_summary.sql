-- One row: tech spend in the window for the chosen publishers ($boroughs: boroughs' GSS codes and London-wide
-- bodies' codes, NULL = all London) and category ($category, NULL = all tech), with its coverage: authorities and
-- London-wide bodies with data, the bodies' part of the total, payment lines, redacted lines, as spend_summary_in
-- (warehouse/models/measures.sql) defines them, worked out for a choice the build did not store
-- (spend_summary_stored.sql).
select * exclude (period_start, period_end, publisher_code, tech_category)
from spend_summary_in(
    [{'period_start': $start, 'period_end': $end, 'publisher_code': null, 'tech_category': $category}], $boroughs
)
