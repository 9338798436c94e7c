-- materialise: temp view
-- One row per staged payment line with its fate: quarantined (staging named a problem), duplicate (it repeats a
-- payment of an earlier file: int_spend_duplicates) or loaded. A view: the lines are staged once (stg_spend), and
-- each reader joins the few duplicates back rather than the build copying every line with its status.
select
    s.*,
    case
        when s.problem is not null then 'quarantined'
        when d.file_id is not null then 'duplicate'
        else 'loaded'
    end as status
from stg_spend as s
left join int_spend_duplicates as d on s.file_id = d.file_id and s.source_row = d.source_row
