-- One row per loaded payment line (duplicates and quarantined lines excluded), with the resolved supplier and
-- the tech category, stored in the order the lines were read: a build reads each publisher's folder in turn, so
-- its lines sit together (sorting 10M wide rows by date too took 8 s of the build and saved about 1 ms on the
-- drill-down, spend_lines).
-- Redacted payees keep their amount; their name was withheld in staging (supplier_name NULL).
-- The category (normalise/tech_decisions.py, `combine`, is the same rule in Python; ref_refinements holds its pairs
-- of a broad heading and a supplier kind that refines it): an officer's correction of the
-- line, of its text or of its supplier decides; else what the line's own words say (high confidence), with a
-- supplier's category where the words say only "IT" (or, for a supplier on no list, the kind its other lines name:
-- int_supplier_line_evidence.refining_category), or only IT support from a supplier known for one kind of
-- technology, or equipment from a copier firm, software from a mapping, data or sensor firm, or telephony from a
-- software vendor; else, unless an exclusion rule vetoes it, what the supplier is known for (medium; for a general
-- IT firm, known only for Other IT, the kind its words name, such as 'Hardware' or 'Consultancy', when they name
-- one); else a standard heading such as 'Communications & Computing' when the
-- line has no more specific column (medium), or an IT department when the line has no column saying what was
-- bought, or buys what the line names only as a kind, such as 'Consultants Fees' (medium); else, when no column of
-- the line says what was bought, what the supplier's other payments say where their lines do
-- (int_supplier_line_evidence, medium). Where only the buying department suggests technology
-- otherwise, the line is not counted as tech: its guess is kept as possible_tech_category (low confidence,
-- "possibly tech").
with lines as (
    select * from int_spend_lines where status = 'loaded'
),

decided as (
    select
        lines.*,
        t.tech_category as t_category,
        t.classification_reason as t_reason,
        t.confidence as t_confidence,
        t.method as t_method,
        coalesce(t.is_excluded, false) as is_excluded,
        coalesce(t.is_correction, false) as t_fixed,
        t.is_silent as t_silent,
        t.kind as t_kind,
        t.kind_reason as t_kind_reason,
        s.tech_category as s_category,
        s.classification_reason as s_reason,
        s.method as s_method,
        coalesce(s.is_correction, false) as s_fixed,
        coalesce(s.is_excluded, false) as s_excluded,
        coalesce(s.excluded_unless_said, false) as s_yields,
        c.tech_category as c_category,
        c.classification_reason as c_reason,
        c.source_row is not null as c_fixed,
        matches.supplier_id,
        e.tech_category as e_category,
        e.classification_reason as e_reason,
        r.words_category is not null as s_refines,
        e.refining_category as e_refining,
        e.refining_reason as e_refining_reason,
        er.words_category is not null as e_refines,
        files.path as source_file
    from lines
    inner join raw_source_files as files on lines.file_id = files.file_id
    left join int_spend_classification as t
        on lines.descriptions is not distinct from t.descriptions
        and lines.proclass_code is not distinct from t.proclass_code
        and lines.proclass_label is not distinct from t.proclass_label
    left join int_supplier_classification as s
        on lines.supplier_name = s.supplier_name
    left join int_line_corrections as c
        on files.path = c.source_file and lines.source_row = c.source_row
    left join int_supplier_matches as matches on lines.supplier_name = matches.supplier_name
    left join int_supplier_line_evidence as e on matches.supplier_id = e.supplier_id
    left join ref_refinements as r on t.tech_category = r.words_category and s.tech_category = r.supplier_category
    -- a supplier's other lines refine only words naming IT in general or IT support, and only for a supplier on no
    -- list (one known for a kind is read as that kind, and a reseller known for IT of every kind sells every kind)
    left join ref_refinements as er
        on t.tech_category = er.words_category and e.refining_category = er.supplier_category
        and t.tech_category in ('ict_other', 'it_services') and s.tech_category is null
),

combined as (
    select
        *,
        case
            when c_fixed then struct_pack(cat := c_category, why := c_reason, sure := 'high', how := 'correction')
            when t_fixed then struct_pack(cat := t_category, why := t_reason, sure := 'high', how := 'correction')
            when s_fixed then struct_pack(cat := s_category, why := s_reason, sure := 'high', how := 'correction')
            when is_excluded or s_excluded and not (s_yields and t_confidence = 'high') then null
            when t_confidence = 'high' and s_refines
                then struct_pack(cat := s_category, why := t_reason || '; ' || s_reason, sure := 'high', how := t_method)
            when t_confidence = 'high' and e_refines
                then struct_pack(
                    cat := e_refining, why := t_reason || '; ' || e_refining_reason, sure := 'high', how := t_method
                )
            when t_confidence = 'high'
                then struct_pack(cat := t_category, why := t_reason, sure := 'high', how := t_method)
            when s_category = 'ict_other' and t_kind is not null
                then struct_pack(
                    cat := t_kind, why := s_reason || '; ' || t_kind_reason, sure := 'medium', how := s_method
                )
            when s_category is not null
                then struct_pack(cat := s_category, why := s_reason, sure := 'medium', how := s_method)
            when t_silent and coalesce(t_confidence, 'low') = 'low' and e_category is not null
                then struct_pack(cat := e_category, why := e_reason, sure := 'medium', how := 'supplier lines')
            when t_confidence is not null
                then struct_pack(cat := t_category, why := t_reason, sure := t_confidence, how := t_method)
        end as decision
    from decided
)

select
    -- ids: the publisher (a borough, or a London-wide body with borough_code NULL)
    publisher_code,
    borough_code,
    cast(date_trunc('month', payment_date) as date) as payment_month,
    payment_date,
    -- money
    amount_gbp,
    irrecoverable_vat_gbp,
    -- supplier
    supplier_name,
    supplier_id,
    is_redacted,
    -- what was bought
    expenditure_category,
    service_area,
    purpose,
    proclass_code,
    case when decision.sure in ('high', 'medium') then decision.cat end as tech_category,
    case when decision.sure = 'low' then decision.cat end as possible_tech_category,
    case when decision.cat is not null then decision.sure end as classification_confidence,
    decision.how as classification_method,
    decision.why as classification_reason,
    transaction_id,
    -- provenance
    source_file,
    source_row
from combined
