-- One row per borough: every map measure for the window $start..$end and tech category $category (NULL = all
-- tech), as borough_measures_in (warehouse/models/measures.sql) defines them, worked out for a window the build did
-- not store (borough_measures_stored.sql reads the windows the pages offer).
select * exclude (period_start, period_end, tech_category)
from borough_measures_in([{'period_start': $start, 'period_end': $end, 'tech_category': $category}])
order by borough_name
