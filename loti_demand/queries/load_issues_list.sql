-- Every quarantined line or rejected file, for one file ($source_file) or all ('').
select source_file, source_row, column_name, raw_value, problem
from load_issues
where $source_file = '' or source_file = $source_file
order by source_file, source_row nulls first, column_name
