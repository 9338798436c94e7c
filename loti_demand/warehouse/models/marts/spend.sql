-- One row per loaded payment line (duplicates and quarantined lines excluded), with the resolved supplier and
-- the tech category, stored in the order the lines were read: a build reads each borough's folder in turn, so a
-- borough's lines sit together (sorting 10M wide rows by date too took 8 s of the build and saved about 1 ms on
-- the drill-down, spend_lines).
-- Redacted payees keep their amount; their name was withheld in staging (supplier_name NULL).
-- The category comes from what the line says it bought; the supplier's category when the text is silent, or
-- when the text says only "IT" (ict_other) and the supplier is a known specialist (a data or software firm).
with lines as (
    select * from int_spend_lines where status = 'loaded'
)

select
    -- ids: the publisher (a borough, or a London-wide body with borough_code NULL)
    lines.publisher_code,
    lines.borough_code,
    cast(date_trunc('month', lines.payment_date) as date) as payment_month,
    lines.payment_date,
    -- money
    lines.amount_gbp,
    lines.irrecoverable_vat_gbp,
    -- supplier
    lines.supplier_name,
    matches.supplier_id,
    lines.is_redacted,
    -- what was bought
    lines.expenditure_category,
    lines.service_area,
    lines.purpose,
    lines.proclass_code,
    case
        when text_class.tech_category = 'ict_other' and supplier_class.tech_category <> 'ict_other'
            then supplier_class.tech_category
        when text_class.tech_category is not null then text_class.tech_category
        when not text_class.is_excluded then supplier_class.tech_category
    end as tech_category,
    case
        when text_class.tech_category = 'ict_other' and supplier_class.tech_category <> 'ict_other'
            then text_class.classification_reason || '; ' || supplier_class.classification_reason
        when text_class.tech_category is not null then text_class.classification_reason
        when not text_class.is_excluded then supplier_class.classification_reason
    end as classification_reason,
    lines.transaction_id,
    -- provenance
    files.path as source_file,
    lines.source_row
from lines
inner join raw_source_files as files on lines.file_id = files.file_id
left join int_supplier_matches as matches
    on lines.supplier_name = matches.supplier_name
left join int_spend_classification as text_class
    on lines.expenditure_category is not distinct from text_class.expenditure_category
    and lines.purpose is not distinct from text_class.purpose
    and lines.proclass_code is not distinct from text_class.proclass_code
    and lines.proclass_label is not distinct from text_class.proclass_label
left join int_supplier_classification as supplier_class
    on lines.supplier_name = supplier_class.supplier_name
