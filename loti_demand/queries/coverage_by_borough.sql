-- One row per borough (plus one for London-wide bodies, the GLA and TfL together, unscored): how much each
-- publishes, how cleanly, and its publication-quality score. Spend months, payee matching and redaction cover
-- $date_from..$date_to; file line counts cover every file loaded. Score rules ($grace_months, $points_per_month,
-- $award_wait_months) come from metrics.QUALITY_RULES; components are whole numbers and the score is the average of
-- those that apply.
with spend_months as (
    select
        borough_code,
        count(distinct payment_month) filter (where payment_month between $date_from and $date_to) as months_with_data,
        min(payment_month) as first_month,
        max(payment_month) as latest_month,
        arg_max(latest_source_file, payment_month) as latest_file,
        cast(sum(lines) filter (where payment_month between $date_from and $date_to) as bigint) as lines_in_period,
        cast(sum(identified_lines) filter (where payment_month between $date_from and $date_to) as bigint) as identified_lines,
        cast(sum(unresolved_lines) filter (where payment_month between $date_from and $date_to) as bigint) as unresolved_lines,
        cast(sum(redacted_lines) filter (where payment_month between $date_from and $date_to) as bigint) as redacted_lines
    from agg_spend_quality_by_borough_month
    group by borough_code
),

files as (
    select
        borough_code,
        count(*) filter (where status = 'loaded') as spend_files,
        cast(sum(lines_read) as bigint) as lines_read,
        cast(sum(rows_loaded) as bigint) as lines_loaded,
        cast(sum(rows_duplicate) as bigint) as lines_duplicate,
        cast(sum(rows_quarantined) as bigint) as lines_quarantined
    from source_files
    where kind = 'spend'
    group by borough_code
),

notice_counts as (
    select borough_code, count(*) as notices from notices where is_london group by borough_code
),

procurement_counts as (
    select
        borough_code,
        count(*) as procurements,
        count(*) filter (where tender_end <= $as_of - to_months($award_wait_months)) as tenders_due_award,
        count(*) filter (
            where tender_end <= $as_of - to_months($award_wait_months)
            and (stage in ('award', 'contract') or award_value_gbp is not null)
        ) as tenders_awarded
    from procurements
    where is_london
    group by borough_code
),

-- the boroughs, and London-wide bodies together as one row (no borough code)
publishers as (
    select borough_code, borough_name from boroughs
    union all
    select null, 'London-wide body'
),

joined as (
    select
        b.borough_code,
        b.borough_name,
        coalesce(f.spend_files, 0) as spend_files,
        s.first_month,
        s.latest_month,
        s.latest_file,
        coalesce(s.months_with_data, 0) as months_with_data,
        datediff('month', $date_from, date_trunc('month', $date_to)) + 1 as months_expected,
        coalesce(f.lines_read, 0) as lines_read,
        coalesce(f.lines_loaded, 0) as lines_loaded,
        coalesce(f.lines_duplicate, 0) as lines_duplicate,
        coalesce(f.lines_quarantined, 0) as lines_quarantined,
        coalesce(s.lines_in_period, 0) as lines_in_period,
        coalesce(s.identified_lines, 0) as identified_lines,
        coalesce(s.unresolved_lines, 0) as unresolved_lines,
        coalesce(s.redacted_lines, 0) as redacted_lines,
        coalesce(n.notices, 0) as notices,
        coalesce(p.procurements, 0) as procurements,
        coalesce(p.tenders_due_award, 0) as tenders_due_award,
        coalesce(p.tenders_awarded, 0) as tenders_awarded
    from publishers as b
    left join spend_months as s on b.borough_code is not distinct from s.borough_code
    left join files as f on b.borough_code is not distinct from f.borough_code
    left join notice_counts as n on b.borough_code is not distinct from n.borough_code
    left join procurement_counts as p on b.borough_code is not distinct from p.borough_code
),

-- the scores, for boroughs only
scored as (
    select
        borough_code,
        cast(case
            when latest_month is null then 0
            else greatest(0, 100 - $points_per_month * greatest(
                datediff('month', latest_month, date_trunc('month', $as_of)) - $grace_months, 0))
        end as integer) as timeliness_score,
        cast(round(100.0 * months_with_data / nullif(months_expected, 0)) as integer) as completeness_score,
        cast(case when lines_read > 0 then round(100.0 * (lines_read - lines_quarantined) / lines_read) end
            as integer) as clean_lines_score,
        cast(case when lines_in_period > 0 then round(100.0 * identified_lines / lines_in_period) end
            as integer) as supplier_identified_score,
        cast(case when tenders_due_award > 0 then round(100.0 * tenders_awarded / tenders_due_award) end
            as integer) as tender_award_score
    from joined
    where borough_code is not null
)

select
    j.borough_code,
    j.borough_name,
    cast(round(list_avg(list_filter(
        [s.timeliness_score, s.completeness_score, s.clean_lines_score, s.supplier_identified_score,
            s.tender_award_score],
        lambda x: x is not null
    ))) as integer) as quality_score,
    s.timeliness_score,
    s.completeness_score,
    s.clean_lines_score,
    s.supplier_identified_score,
    s.tender_award_score,
    j.latest_month,
    j.months_with_data,
    j.months_expected,
    j.spend_files,
    j.latest_file,
    j.first_month,
    j.lines_read,
    j.lines_loaded,
    j.lines_duplicate,
    j.lines_quarantined,
    j.lines_in_period,
    j.unresolved_lines,
    j.redacted_lines,
    j.notices,
    j.procurements,
    j.tenders_due_award,
    j.tenders_awarded
from joined as j
left join scored as s on j.borough_code = s.borough_code
order by j.borough_code nulls last
