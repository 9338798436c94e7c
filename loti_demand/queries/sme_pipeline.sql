-- One row: the London tech pipeline of the window $start..$end (demand_items by the in_pipeline rule, the items the
-- Overview and the Demand calendar count) split by whether the buyer marked it suitable for SMEs. All London
-- buyers when $boroughs is NULL; otherwise only the chosen boroughs and London-wide bodies (publisher codes).
with pipeline as (
    select value_gbp, is_sme_suitable
    from demand_items
    where tech_category is not null
        and ($category is null or tech_category = $category)
        and ($boroughs is null or list_contains($boroughs, publisher_code))
        and in_pipeline(confidence, expected_date, $start, $end)
)

select
    count(*) as pipeline_count,
    coalesce(sum(value_gbp), 0) as pipeline_value_gbp,
    count(is_sme_suitable) as notices_saying,
    coalesce(sum(value_gbp) filter (where is_sme_suitable is not null), 0) as value_saying_gbp,
    coalesce(sum(value_gbp) filter (where is_sme_suitable), 0) as sme_suitable_value_gbp,
    100 * cast(coalesce(sum(value_gbp) filter (where is_sme_suitable), 0) as double)
        / nullif(sum(value_gbp) filter (where is_sme_suitable is not null), 0) as sme_share_pct
from pipeline
