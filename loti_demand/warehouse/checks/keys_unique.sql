-- Primary keys are unique and not null.
-- spend (millions of lines): group a 64-bit hash of the key first, then check exactly only the keys whose hash
-- repeats; grouping the (text, integer) pairs themselves costs about twice as much.
with spend_repeated_hashes as (
    select hash(source_file, source_row) as key_hash from spend group by key_hash having count(*) > 1
)

select 'spend', source_file || ':' || source_row from spend
where hash(source_file, source_row) in (select key_hash from spend_repeated_hashes)
group by source_file, source_row having count(*) > 1
union all
select 'boroughs', borough_code from boroughs group by borough_code having count(*) > 1 or borough_code is null
union all
select 'borough_neighbours', borough_code || ' ' || neighbour_code from borough_neighbours
group by borough_code, neighbour_code having count(*) > 1 or borough_code = neighbour_code
union all
select 'publishers', publisher_code from publishers group by publisher_code
having count(*) > 1 or publisher_code is null
union all
select 'procurements', ocid from procurements group by ocid having count(*) > 1 or ocid is null
union all
select 'procurement_suppliers', ocid || ' #' || position from procurement_suppliers
group by ocid, position having count(*) > 1
union all
select 'contract_replacements', ocid from contract_replacements group by ocid having count(*) > 1 or ocid is null
union all
select 'challenges', challenge_id from challenges group by challenge_id having count(*) > 1 or challenge_id is null
union all
select 'suppliers', supplier_id from suppliers where supplier_id is not null group by supplier_id having count(*) > 1
union all
select 'supplier_aliases', supplier_name from supplier_aliases group by supplier_name having count(*) > 1
union all
select 'boroughs (expected ' || (select count(*) from ref_boroughs) || ', the region''s)', cast(count(*) as varchar)
from boroughs having count(*) <> (select count(*) from ref_boroughs) or count(*) = 0
union all
select 'challenge_outcomes', challenge_id || ' -> ' || ocid from challenge_outcomes
group by challenge_id, ocid having count(*) > 1
union all
select 'challenge_boroughs', challenge_id || ' ' || borough_code from challenge_boroughs
group by challenge_id, borough_code having count(*) > 1
