-- One row per published supplier name: the supplier it was resolved to, how, how sure, and why.
-- Redacted payees never appear: staging withheld their names before resolution.
select
    supplier_name,
    supplier_id,
    match_method,
    confidence,
    reason
from int_supplier_matches
order by supplier_id, supplier_name
