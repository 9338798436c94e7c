-- Procurement invariants: every raw release is accounted once, notices are unique, each process is compiled
-- from exactly its loaded notices, boroughs are known and London, stages are from the declared list.
select 'raw releases not accounted', cast(count(*) as varchar) from raw_ocds_releases
having count(*) <> (select count(*) from int_notices)
union all
select 'notices key (ocid, release_id, release_date) repeated', ocid || ' ' || release_id from notices
group by ocid, release_id, release_date having count(*) > 1
union all
select 'notice without a procurement', n.ocid from notices as n
where n.ocid not in (select ocid from procurements)
union all
select 'procurement release_count differs from its notices', p.ocid from procurements as p
left join (select ocid, count(*) as n from notices group by ocid) as c on p.ocid = c.ocid
where p.release_count <> coalesce(c.n, 0)
union all
select 'notices.borough_code', borough_code from notices
where borough_code is not null and borough_code not in (select borough_code from boroughs)
union all
select 'borough buyer not London', ocid from procurements where borough_code is not null and not is_london
union all
select 'unknown stage', ocid || ' ' || stage from procurements
where stage not in ('planning', 'tender', 'award', 'contract')
