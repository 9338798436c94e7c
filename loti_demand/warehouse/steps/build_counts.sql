-- The build's line and file counts, one row per measure, as the build report and --strict read them.
select 'spend lines loaded' as measure, count(*) as n from spend
union all select 'spend lines duplicate', count(*) from int_spend_lines where status = 'duplicate'
union all select 'spend lines quarantined', count(*) from int_spend_lines where status = 'quarantined'
union all select 'spend totals rows excluded', count(*) from int_spend_lines where is_total_row
union all select 'notices', count(*) from notices
union all select 'notices duplicate', count(*) from int_notices where load_status = 'duplicate'
union all select 'notices quarantined', count(*) from int_notices where load_status = 'quarantined'
union all select 'procurements', count(*) from procurements
union all select 'challenges', count(*) from challenges
union all select 'challenges rejected', count(*) from int_challenges where problem is not null
union all select 'files rejected', count(*) from source_files where status = 'rejected'
