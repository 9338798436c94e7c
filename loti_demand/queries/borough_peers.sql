-- Every borough with its half of London (inner or outer) and how it stands to $borough: the borough itself, a
-- neighbour (sharing a border: borough_neighbours) or neither (NULL). loti_demand.peers puts the figures beside it.
select
    b.borough_code,
    b.inner_outer,
    case
        when b.borough_code = $borough then 'borough'
        when n.neighbour_code is not null then 'neighbour'
    end as peer
from boroughs as b
left join borough_neighbours as n on n.borough_code = $borough and b.borough_code = n.neighbour_code
order by b.borough_code
