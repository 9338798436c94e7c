-- One row: London tech pipeline value in the window (notices at planning or tender stage expected to come to
-- market between $start and $end) split by whether the buyer marked it suitable for SMEs. All London buyers
-- when $boroughs is NULL; otherwise only the chosen boroughs.
with pipeline as (
    select value_gbp, is_sme_suitable
    from procurements
    where is_london
        and tech_category is not null
        and ($category is null or tech_category = $category)
        and ($boroughs is null or list_contains($boroughs, publisher_code))
        and in_pipeline(stage, expected_market_date, tender_end, tender_start, $start, $end)
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
