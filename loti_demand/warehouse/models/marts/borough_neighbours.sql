-- One row per pair of boroughs that share a border, both ways round, from data/reference/borough_neighbours.csv
-- (worked out from official boundaries by `boundaries neighbours`). The names there are for readers; boroughs has them.
select
    borough_code,
    neighbour_code
from ref_borough_neighbours
order by borough_code, neighbour_code
