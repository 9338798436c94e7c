-- One row per input file (a ZIP member counts as a file): what was detected and how every line was accounted.
with spend_counts as (
    select
        file_id,
        count(*) filter (where status = 'loaded') as rows_loaded,
        count(*) filter (where status = 'duplicate') as rows_duplicate,
        count(*) filter (where status = 'quarantined') as rows_quarantined,
        count(*) filter (where status = 'quarantined' and is_total_row) as rows_totals,
        sum(amount_gbp) filter (where status = 'loaded') as total_amount_gbp
    from int_spend_lines
    group by file_id
),

ocds_counts as (
    select
        file_id,
        count(*) filter (where load_status = 'loaded') as rows_loaded,
        count(*) filter (where load_status = 'duplicate') as rows_duplicate,
        count(*) filter (where load_status = 'quarantined') as rows_quarantined
    from int_notices
    group by file_id
),

other_counts as (
    select file_id, count(*) as rows_loaded from int_challenges
    where problem is null and superseded_by is null group by file_id
),

-- A challenge row replaced by a later file with the same id counts as a duplicate of its file.
challenge_counts as (
    select
        file_id,
        count(*) filter (where superseded_by is not null) as rows_duplicate,
        count(*) filter (where problem is not null) as rows_quarantined
    from int_challenges
    group by file_id
),

-- Why each spend file's lines were quarantined, commonest first (a file that loaded nothing names the first).
reasons as (
    select
        file_id,
        reason,
        count(*) as lines,
        row_number() over (partition by file_id order by count(*) desc, reason) as rank
    from (
        select file_id, coalesce(problem_column || ': ', '') || problem as reason
        from int_spend_lines
        where status = 'quarantined'
    )
    group by file_id, reason
),

accounted as (
    select
        files.file_id,
        coalesce(spend_counts.rows_loaded, ocds_counts.rows_loaded, other_counts.rows_loaded, 0) as rows_loaded,
        coalesce(spend_counts.rows_duplicate, ocds_counts.rows_duplicate, challenge_counts.rows_duplicate, 0)
            as rows_duplicate,
        coalesce(spend_counts.rows_quarantined, ocds_counts.rows_quarantined, challenge_counts.rows_quarantined, 0)
            as rows_quarantined,
        coalesce(spend_counts.rows_totals, 0) as rows_totals,
        coalesce(spend_counts.total_amount_gbp, 0) as total_amount_gbp
    from raw_source_files as files
    left join spend_counts on files.file_id = spend_counts.file_id
    left join ocds_counts on files.file_id = ocds_counts.file_id
    left join other_counts on files.file_id = other_counts.file_id
    left join challenge_counts on files.file_id = challenge_counts.file_id
)

select
    files.file_id,
    files.path,
    files.sha256,
    files.kind,
    files.borough_code,
    files.publisher_code,
    files.detected_format,
    files.encoding,
    files.header_row,
    files.column_mapping,
    files.lines_read,
    a.rows_loaded,
    a.rows_duplicate,
    a.rows_quarantined,
    a.rows_totals,
    a.total_amount_gbp,
    files.status,
    -- a spend file read whole whose every line was quarantined says so: it must not pass for a file that loaded
    case
        when files.problem is null and a.rows_quarantined > 0 and a.rows_loaded + a.rows_duplicate = 0
            and r.reason is not null
            then 'nothing loaded: '
                || case when a.rows_quarantined = 1 then 'its one line was quarantined: ' || r.reason
                    else 'every one of its ' || a.rows_quarantined || ' lines was quarantined; the commonest reason ('
                        || r.lines || case when r.lines = 1 then ' line' else ' lines' end || '): ' || r.reason end
        else files.problem
    end as problem,
    files.ingested_at
from raw_source_files as files
inner join accounted as a on files.file_id = a.file_id
left join reasons as r on files.file_id = r.file_id and r.rank = 1
order by files.file_id
