-- For int_award_supplier_names.py: each supplier name published in an award or contract notice (kind 'award'), and
-- each spelling paid (kind 'paid', from int_supplier_matches) with its supplier, in name order.
select distinct 'award' as kind, unnest(string_split(supplier_names, '; ')) as supplier_name, null as supplier_id,
    null as canonical_name
from int_procurements
where supplier_names is not null
union all
select 'paid' as kind, supplier_name, supplier_id, canonical_name
from int_supplier_matches
order by kind, supplier_name
