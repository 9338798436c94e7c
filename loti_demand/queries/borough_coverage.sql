-- One row: what one borough's or London-wide body's ($borough, a publisher code) spend figures rest on: months
-- covered, files, lines, latest file.
with months as (
    select
        count(distinct payment_month) as months_covered,
        min(payment_month) as first_month,
        max(payment_month) as last_month
    from agg_spend_by_borough_month
    where publisher_code = $borough
),

files as (
    select
        count(*) as spend_files,
        count(*) filter (where status = 'rejected') as files_rejected,
        cast(coalesce(sum(rows_loaded), 0) as bigint) as lines,
        cast(coalesce(sum(rows_duplicate), 0) as bigint) as lines_duplicate,
        cast(coalesce(sum(rows_quarantined), 0) as bigint) as lines_quarantined,
        (array_agg(path order by ingested_at desc, path desc))[1] as latest_file,
        max(ingested_at) as latest_file_read_at
    from source_files
    where kind = 'spend' and publisher_code = $borough
)

select * from months cross join files
