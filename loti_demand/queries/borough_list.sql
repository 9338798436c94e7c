-- The 33 London authorities in name order, for filters, labels and the tile map.
select borough_code, borough_name, inner_outer, population, population_year, tile_col, tile_row
from boroughs
order by borough_name
