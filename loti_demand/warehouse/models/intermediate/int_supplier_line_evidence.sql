-- One row per resolved supplier whose own payments, where their lines say what was bought, are strong evidence of
-- what it sells: the spend mart gives that category (medium confidence, method 'supplier lines') to the supplier's
-- silent lines (no column says what was bought) that nothing else classified. In a London-wide warehouse the
-- same supplier is paid by councils whose files say only its name and by others whose files say what was bought.
-- Evidence: the supplier's lines that say what was bought (not only who bought it or who was paid) and whose words
-- decided (high confidence: a keyword, a ProClass code, or an officer's correction of those words) are tech lines of
-- their category; those that name no technology (or are vetoed as never tech) are not-tech lines. A heading alone,
-- a department and what the supplier is known for count neither way. Strong when:
-- - at least 2 tech lines: one payment may be a miscoded invoice;
-- - at least 80% of the lines with words are tech: a supplier mostly paid for other things (a consultancy that
--   also sold a licence) keeps its silent lines unclassified;
-- - the tech lines come from at least 2 publishers or say at least 2 different things (distinct reasons): one
--   mislabelled account in one ledger does not spread, however many lines it holds.
-- The category is the commonest among the tech lines when it holds at least half of them, else 'ict_other' (IT of
-- several kinds), so a mixed reseller is counted as tech without a category it may not be.
-- The same lines also say what kind of technology a supplier sells where its other lines say only "IT": the spend
-- mart refines a line whose words name only a broad kind ("IT Equip/Services") by `refining_category`, as it does by
-- a supplier known for one kind (ref_refinements holds the pairs). A supplier has one when more than half of its
-- tech lines that name a kind (not IT in general) name the same kind, at least 2 of them, from at least 2 publishers
-- or saying at least 2 different things.
-- The reasons are only counted, so each line carries its reason's number, not its text: the counts read ten million
-- numbers rather than ten million strings (about a third of the model's time at 10M lines).
with classification as (
    select
        *,
        case when classification_reason is not null then dense_rank() over (order by classification_reason) end
            as reason_number
    from int_spend_classification
),

-- the lines counted by supplier, publisher, category and reason: every step after only counts them, and five steps
-- read this (ten million lines at 10M, half a million counts)
worded as (
    select
        matches.supplier_id,
        lines.publisher_code,
        case when t.confidence = 'high' and t.method in ('text', 'proclass', 'correction') then t.tech_category end
            as tech_category,
        t.reason_number as reason,
        count(*) as lines
    from int_spend_lines as lines
    inner join int_supplier_matches as matches on lines.supplier_name = matches.supplier_name
    inner join classification as t
        on lines.descriptions is not distinct from t.descriptions
        and lines.proclass_code is not distinct from t.proclass_code
        and lines.proclass_label is not distinct from t.proclass_label
    where lines.status = 'loaded'
        and not t.is_silent
        and (t.confidence = 'high' and t.method in ('text', 'proclass', 'correction') or t.tech_category is null)
    group by all
),

per_supplier as (
    select
        supplier_id,
        cast(sum(lines) as bigint) as worded_lines,
        cast(coalesce(sum(lines) filter (where tech_category is not null), 0) as bigint) as tech_lines,
        count(distinct case when tech_category is not null then reason end) as tech_reasons,
        count(distinct case when tech_category is not null then publisher_code end) as tech_publishers
    from worded
    group by supplier_id
),

strong as (
    select *
    from per_supplier
    where tech_lines >= 2
        and 5 * tech_lines >= 4 * worded_lines
        and (tech_publishers >= 2 or tech_reasons >= 2)
),

categories as (
    select
        worded.supplier_id,
        worded.tech_category,
        sum(worded.lines) as lines,
        row_number() over (partition by worded.supplier_id order by sum(worded.lines) desc, worded.tech_category)
            as rank
    from worded
    inner join strong on worded.supplier_id = strong.supplier_id
    where worded.tech_category is not null
    group by worded.supplier_id, worded.tech_category
),

-- the publishers of each supplier's tech lines of each kind, by name, for the reasons
tech_publishers as (
    select distinct
        worded.supplier_id,
        worded.tech_category,
        coalesce(p.publisher_name, worded.publisher_code) as publisher
    from worded
    left join publishers as p on worded.publisher_code = p.publisher_code
    where worded.tech_category is not null
),

named as (
    select
        tp.supplier_id,
        string_agg(distinct tp.publisher, ', ' order by tp.publisher) as publishers
    from tech_publishers as tp
    inner join strong on tp.supplier_id = strong.supplier_id
    group by tp.supplier_id
),

kinds as (
    select
        supplier_id,
        tech_category,
        sum(lines) as lines,
        count(distinct publisher_code) as publisher_count,
        count(distinct reason) as reasons,
        sum(sum(lines)) over (partition by supplier_id) as kind_lines,
        row_number() over (partition by supplier_id order by sum(lines) desc, tech_category) as rank
    from worded
    where tech_category <> 'ict_other'
    group by supplier_id, tech_category
),

-- the publishers are named apart from the counts: Spark cannot rewrite an ordered string_agg beside other distinct
-- aggregates
kind_publishers as (
    select
        tp.supplier_id,
        string_agg(tp.publisher, ', ' order by tp.publisher) as publishers
    from tech_publishers as tp
    inner join kinds on tp.supplier_id = kinds.supplier_id and tp.tech_category = kinds.tech_category and kinds.rank = 1
    group by tp.supplier_id
),

refining as (
    select
        kinds.supplier_id,
        kinds.tech_category as refining_category,
        'the supplier''s payments that name a kind of technology: ' || cast(kinds.lines as varchar) || ' of '
        || cast(kinds.kind_lines as varchar) || ' lines are ' || coalesce(label.label, kinds.tech_category) || ' ('
        || named.publishers || ')' as refining_reason
    from kinds
    inner join kind_publishers as named on kinds.supplier_id = named.supplier_id
    left join ref_tech_categories as label on kinds.tech_category = label.tech_category
    where kinds.rank = 1
        and kinds.lines >= 2
        and 2 * kinds.lines > kinds.kind_lines
        and (kinds.publisher_count >= 2 or kinds.reasons >= 2)
),

evidence as (
    select
    strong.supplier_id,
    case when 2 * c.lines >= strong.tech_lines then c.tech_category else 'ict_other' end as tech_category,
    strong.worded_lines,
    strong.tech_lines,
    'the supplier''s payments that say what was bought: ' || cast(strong.tech_lines as varchar) || ' of '
    || cast(strong.worded_lines as varchar) || ' lines are technology, '
    || case
        when 2 * c.lines >= strong.tech_lines
            then cast(c.lines as varchar) || ' of them ' || coalesce(label.label, c.tech_category)
        else 'of several kinds'
    end
    || ' (' || named.publishers || ')' as classification_reason
from strong
inner join categories as c on strong.supplier_id = c.supplier_id and c.rank = 1
inner join named on strong.supplier_id = named.supplier_id
left join ref_tech_categories as label on c.tech_category = label.tech_category
)

select
    coalesce(evidence.supplier_id, refining.supplier_id) as supplier_id,
    evidence.tech_category,
    evidence.worded_lines,
    evidence.tech_lines,
    evidence.classification_reason,
    refining.refining_category,
    refining.refining_reason
from evidence
full outer join refining on evidence.supplier_id = refining.supplier_id
order by 1
