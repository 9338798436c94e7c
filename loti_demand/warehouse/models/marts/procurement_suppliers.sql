-- One row per London procurement and supplier named in its award. The supplier is shown under the suppliers mart's
-- canonical name when it is paid under a spelling with the same matching key (int_award_supplier_names); a supplier
-- never paid keeps a published spelling, and its matching key (the id it would have if paid) is its supplier_id, so
-- every supplier named in an award has a profile. Two spellings of one supplier in one award count once.
with named as (
    select
        ocid,
        unnest(string_split(supplier_names, '; ')) as published_name,
        unnest(range(len(string_split(supplier_names, '; ')))) as position
    from procurements
    where is_london and supplier_names is not null
),

resolved as (
    select
        n.ocid,
        n.position,
        n.published_name,
        coalesce(a.supplier_id, a.match_key) as supplier_id,
        a.supplier_id is not null as is_paid,
        coalesce(
            a.canonical_name,
            -- an unpaid supplier published under several spellings shows under one of them everywhere
            case when a.match_key is not null then min(n.published_name) over (partition by a.match_key) end,
            n.published_name
        ) as supplier_name
    from named as n
    left join int_award_supplier_names as a on n.published_name = a.supplier_name
)

select
    ocid,
    cast(min(position) as integer) as position,
    any_value(supplier_id) as supplier_id,
    any_value(supplier_name) as supplier_name,
    arg_min(published_name, position) as published_name,
    bool_or(is_paid) as is_paid
from resolved
group by ocid, coalesce(supplier_id, published_name)
order by ocid, position
