-- Foreign keys resolve: every borough code is a known borough, every publisher a known publisher whose borough
-- agrees, every challenge borough a known challenge. Keys of `spend` (millions of lines) are checked once per
-- distinct value.
select 'spend.publisher_code', publisher_code from (select distinct publisher_code from spend)
where publisher_code is null or publisher_code not in (select publisher_code from publishers)
union all
select 'spend.borough_code', s.borough_code from (select distinct publisher_code, borough_code from spend) as s
left join publishers as p on s.publisher_code = p.publisher_code
where s.borough_code is distinct from p.borough_code
union all
select 'procurements.borough_code', borough_code from procurements
where borough_code is not null and borough_code not in (select borough_code from boroughs)
union all
select 'challenge_boroughs.borough_code', borough_code from challenge_boroughs
where borough_code not in (select borough_code from boroughs)
union all
select 'challenge_boroughs.challenge_id', challenge_id from challenge_boroughs
where challenge_id not in (select challenge_id from challenges)
union all
-- (suppliers has a NULL supplier_id row for redacted payees: NOT IN over a NULL would never be true.)
select 'spend.supplier_id', supplier_id from (select distinct supplier_id from spend where supplier_id is not null)
where supplier_id not in (select supplier_id from suppliers where supplier_id is not null)
union all
select 'supplier_aliases.supplier_id', supplier_id from supplier_aliases
where supplier_id not in (select supplier_id from suppliers)
union all
select 'procurement_suppliers.supplier_id (paid)', supplier_id from procurement_suppliers
where is_paid and supplier_id not in (select supplier_id from suppliers where supplier_id is not null)
union all
select 'contract_replacements: a notice replacing itself or another buyer''s contract', r.ocid
from contract_replacements as r
inner join demand_items as n on r.ocid = n.ocid
inner join demand_items as c on r.replaces_ocid = c.ocid
where r.ocid = r.replaces_ocid or n.confidence <> 'statutory notice' or c.confidence = 'statutory notice'
    or coalesce(n.publisher_code, lower(n.buyer_name)) <> coalesce(c.publisher_code, lower(c.buyer_name))
union all
select 'spend redacted names exposed', source_file || ':' || source_row from spend
where is_redacted and supplier_name is not null
union all
select 'challenge_outcomes.challenge_id', challenge_id from challenge_outcomes
where challenge_id not in (select challenge_id from challenges)
union all
select 'challenge_outcomes.ocid (suggested)', ocid from challenge_outcomes
where match_type = 'suggested' and ocid not in (select ocid from procurements)
union all
select 'challenges without a borough', challenge_id from challenges
where challenge_id not in (select challenge_id from challenge_boroughs)
union all
select 'borough_neighbours.borough_code', borough_code from borough_neighbours
where borough_code not in (select borough_code from boroughs) or neighbour_code not in (select borough_code from boroughs)
union all
select 'borough_neighbours one way only', n.borough_code || ' ' || n.neighbour_code from borough_neighbours as n
left join borough_neighbours as back on n.borough_code = back.neighbour_code and n.neighbour_code = back.borough_code
where back.borough_code is null
