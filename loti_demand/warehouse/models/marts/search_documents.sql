-- The text the word search reads: one row per London procurement (title, description, buyer, suppliers and the
-- label its notices publish for its main CPV code) and one per challenge (title, statement, theme).
-- Source: procurements, challenges, raw_ocds_releases (for the CPV labels, which the marts do not keep).
with cpv_labels as (
    select
        json_extract_string(release_json, '$.tender.classification.id') as cpv_code,
        mode(json_extract_string(release_json, '$.tender.classification.description')) as cpv_label
    from raw_ocds_releases
    where problem is null and json_valid(release_json)
    group by all
)

select
    'notice' as kind,
    p.ocid as doc_id,
    [p.title, p.description, p.buyer_name, p.supplier_names, l.cpv_label] as fields
from procurements as p
left join cpv_labels as l on p.cpv_code = l.cpv_code
where p.is_london
union all
select
    'challenge' as kind,
    c.challenge_id as doc_id,
    [c.title, c.statement, c.theme] as fields
from challenges as c
order by kind, doc_id
