-- The 33 London local authorities, by name: the choices for borough filters.
select borough_code, borough_name from boroughs order by borough_name
