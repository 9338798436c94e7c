-- Files with quarantined lines or file-level problems, with how many: the choices for the issues filter.
select source_file, count(*) as issues
from load_issues
group by source_file
order by source_file
