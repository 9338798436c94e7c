-- One row per upcoming London notice (a statutory notice of demand_items) that looks like the re-procurement of a
-- current contract (an awarded contract of demand_items) of the same buyer: the contract it most likely replaces,
-- whose suppliers are then the notice's incumbents, and why. Mirrors metrics.REPLACEMENT (tests check they agree).
-- A contract matches when, for the same buyer (publisher, or the same buyer name for other London buyers):
--   timing:  same tech category, and it ends from 6 months before to 12 months after the new contract would start
--            (its planned start, or the notice's date when none is given); in a broad category (software, IT
--            services, other IT), only when the two titles also share a word that says what is bought;
--   wording: same tech category, the notice says it replaces something ("re-procurement", "replacement of"...),
--            the two titles share a word that says what is bought, and it ends from 12 months before to 24 months
--            after that start;
--   title:   the notice repeats its title (12 characters or more), any category, in that same wider window.
-- A word that says what is bought is one of title_words (macros.sql): not "re-procurement", "system", "software",
-- "services" and the like (generic_title_words), which any two titles may share. A contract that began after the
-- notice was first published, or that ends after the new contract would end, is never the one it replaces.
-- The strongest match wins (title, then wording, then timing; then the end date nearest the start, then ocid).
with notices as (
    select
        d.ocid,
        coalesce(d.publisher_code, lower(d.buyer_name)) as buyer_key,
        d.tech_category,
        coalesce(p.contract_start, d.expected_date) as new_start,
        p.contract_end as new_end,
        cast(p.first_release_date as date) as published,
        title_words(p.title) as notice_words,
        -- its title and description's first 20,000 characters: no contract's title or replacement word is read
        -- deeper, and the text is copied once per month of the window below (a 16 MB description ran out of memory)
        left(lower(concat_ws(' ', p.title, p.description)), 20000) as notice_text,
        regexp_extract(
            left(lower(concat_ws(' ', p.title, p.description)), 20000),
            '\b(re-?procure\w*|re-?tender\w*|re-?let(?:ting)?|re-?commission\w*|replace\w*|replacing|successor'
            || '|incumbent|renewal|(?:existing|current) (?:contract|service|system|solution|supplier|provider)'
            || '|contract (?:expires|expiring|ends))\b'
        ) as replacement_word
    from demand_items as d
    inner join procurements as p on d.ocid = p.ocid
    where d.confidence = 'statutory notice'
),

-- the windows' bounds, once per notice, and each month of the wider window: a notice is paired only with its
-- buyer's contracts ending in those months (an equality join), not with every contract of its buyer (a buyer with
-- thousands of both made millions of pairs, and date arithmetic on each: 22 s of a 50M-line build, now 8 s)
windows as (
    select
        *,
        cast(new_start - interval 6 month as date) as timing_from,
        cast(new_start + interval 12 month as date) as timing_to,
        cast(new_start - interval 12 month as date) as wide_from,
        cast(new_start + interval 24 month as date) as wide_to,
        unnest(generate_series(
            cast(date_trunc('month', new_start - interval 12 month) as date),
            cast(new_start + interval 24 month as date),
            interval 1 month
        )) as end_month
    from notices
    where new_start is not null
),

contracts as (
    select
        d.ocid as c_ocid,
        coalesce(d.publisher_code, lower(d.buyer_name)) as c_buyer_key,
        d.tech_category as c_category,
        d.title,
        p.contract_start as c_start,
        d.contract_end,
        d.incumbent_suppliers,
        d.incumbent_supplier_id,
        cast(date_trunc('month', d.contract_end) as date) as c_end_month,
        case when length(d.title) >= 12 then lower(d.title) end as title_key,
        title_words(d.title) as c_words
    from demand_items as d
    inner join procurements as p on d.ocid = p.ocid
    where d.confidence = 'inferred from contract end date' and d.contract_end is not null
),

-- each notice with its buyer's contracts ending in its wider window: those of its category (timing, wording),
-- and those of another category whose title it repeats
pairs as (
    select n.*, c.*
    from windows as n
    inner join contracts as c
        on n.buyer_key = c.c_buyer_key and n.end_month = c.c_end_month and n.tech_category = c.c_category
        and n.ocid <> c.c_ocid and c.contract_end between n.wide_from and n.wide_to
    union all
    select n.*, c.*
    from windows as n
    inner join contracts as c
        on n.buyer_key = c.c_buyer_key and n.end_month = c.c_end_month and n.ocid <> c.c_ocid
        and c.contract_end between n.wide_from and n.wide_to
        and not coalesce(n.tech_category = c.c_category, false) and contains(n.notice_text, c.title_key)
),

-- the words both titles say are bought, in order ('' when none)
shared as (
    select
        *,
        coalesce(array_to_string(list_sort(list_filter(notice_words, lambda w: list_contains(c_words, w))), ', '), '')
            as shared_words
    from pairs
    -- the contract the notice replaces is current when it is published, and ends before the new one would
    where coalesce(c_start <= published, true) and coalesce(contract_end <= new_end, true)
),

candidates as (
    select
        ocid,
        new_start,
        replacement_word,
        c_ocid as replaces_ocid,
        title as current_contract_title,
        contract_end as current_contract_end,
        incumbent_suppliers,
        incumbent_supplier_id,
        shared_words,
        coalesce(contains(notice_text, title_key), false) as by_title,
        tech_category = c_category and replacement_word <> '' and shared_words <> '' as by_wording,
        tech_category = c_category and contract_end between timing_from and timing_to
        and (shared_words <> '' or c_category not in ('software', 'it_services', 'ict_other')) as by_timing
    from shared
),

ranked as (
    select
        *,
        row_number() over (
            partition by ocid
            order by by_title desc, by_wording desc, by_timing desc,
                abs(datediff('day', new_start, current_contract_end)), replaces_ocid
        ) as choice
    from candidates
    where by_timing or by_title or by_wording
)

select
    -- ids
    ocid,
    replaces_ocid,
    -- the current contract
    current_contract_title,
    current_contract_end,
    incumbent_suppliers,
    incumbent_supplier_id,
    -- why
    concat_ws(', ',
        case when by_title then 'title' end,
        case when by_wording then 'wording' end,
        case when by_timing then 'timing' end
    ) as matched_by,
    concat_ws('; ',
        'Same buyer',
        case when by_title then 'the notice repeats the current contract''s title' end,
        case when by_wording
            then 'same category, and the notice says "' || replacement_word || '"' end,
        case when by_timing then 'same category, and the current contract ends on ' || strftime(current_contract_end,
            '%-d %B %Y') || ', near the new contract''s start (' || strftime(new_start, '%-d %B %Y') || ')' end,
        case when (by_wording or by_timing) and shared_words <> '' then 'both titles name ' || shared_words end
    ) as match_reason
from ranked
where choice = 1
order by ocid
