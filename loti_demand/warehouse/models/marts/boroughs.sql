-- One row per London local authority (32 boroughs and the City), from data/reference/boroughs.csv.
select
    borough_code,
    borough_name,
    inner_outer,
    cast(population as integer) as population,
    cast(population_year as integer) as population_year,
    cast(tile_col as integer) as tile_col,
    cast(tile_row as integer) as tile_row
from ref_boroughs
order by borough_code
