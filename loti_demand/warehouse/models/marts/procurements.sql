-- One row per procurement process (OCDS ocid): its latest state, compiled from all its releases by ocdsmerge.
-- Source: int_procurements (compile_procurements). stage is the furthest any release reached. The columns are the
-- compiled procurement's (enrich.PROCUREMENT_SCHEMA: ocid, buyer to url as notices has them, then its history),
-- with value_problems last.
select
    * exclude (value_problems),
    value_problems
from int_procurements
order by ocid
