-- One row per loaded payment line (duplicates and quarantined lines excluded), with the resolved supplier
-- and the tech category. Redacted payees keep their amount; their name is never exposed (supplier_name NULL).
with lines as (
    select * from int_spend_lines where status = 'loaded'
)

select
    -- ids
    lines.borough_code,
    cast(date_trunc('month', lines.payment_date) as date) as payment_month,
    lines.payment_date,
    -- money
    lines.amount_gbp,
    lines.irrecoverable_vat_gbp,
    -- supplier
    case when matches.is_redacted then null else lines.supplier_name end as supplier_name,
    matches.supplier_id,
    coalesce(matches.is_redacted, false) as is_redacted,
    -- what was bought
    lines.expenditure_category,
    lines.service_area,
    lines.purpose,
    lines.proclass_code,
    cls.tech_category,
    cls.classification_reason,
    lines.transaction_id,
    -- provenance
    lines.source_file,
    lines.source_row
from lines
left join int_supplier_matches as matches
    on lines.supplier_name is not distinct from matches.supplier_name
left join int_spend_classification as cls
    on lines.expenditure_category is not distinct from cls.expenditure_category
    and lines.purpose is not distinct from cls.purpose
    and lines.proclass_code is not distinct from cls.proclass_code
    and lines.proclass_label is not distinct from cls.proclass_label
    and lines.supplier_name is not distinct from cls.supplier_name
order by lines.borough_code, lines.payment_date
