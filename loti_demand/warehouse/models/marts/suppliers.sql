-- One row per resolved supplier: the canonical name, the published names it covers, how they were matched.
-- Redacted payees are not suppliers: their published names (which may name a person) never reach this mart.
select
    supplier_id,
    any_value(canonical_name) as canonical_name,
    list(distinct supplier_name order by supplier_name) as aliases,
    any_value(match_method) as match_method,
    min(confidence) as min_confidence,
    any_value(company_number) as company_number
from int_supplier_matches
where supplier_id is not null and not is_redacted
group by supplier_id
