-- One row per awarded procurement with named suppliers: the evidence int_supplier_classification.py reads of what
-- each supplier sells (a supplier that wins technology contracts is evidence for its payments). tech_category is
-- NULL for a contract that is not technology.
select
    ocid,
    title,
    cpv_code,
    tech_category,
    coalesce(award_value_gbp, contract_value_gbp, value_gbp) as value_gbp,
    string_split(supplier_names, '; ') as supplier_names
from int_procurements
where supplier_names is not null
order by ocid
