-- London's tech pipeline and contracts expiring in the window $start..$end (demand_items by the in_pipeline and
-- expires_in rules; $category NULL = all tech), one row per kind of buyer: boroughs (on the map), London-wide
-- bodies (listed beside it) and other London buyers (on neither). The three rows add up to the London total.
with kinds as (
    select *
    from (values (1, 'borough'), (2, 'body'), (3, 'other')) as k (sort_key, buyers)
),

items as (
    select
        case
            when borough_code is not null then 'borough'
            when publisher_code is not null then 'body'
            else 'other'
        end as buyers,
        confidence,
        expected_date,
        contract_end,
        value_gbp
    from demand_items
    where tech_category is not null and ($category is null or tech_category = $category)
)

select
    k.buyers,
    count(*) filter (where in_pipeline(i.confidence, i.expected_date, $start, $end)) as pipeline_count,
    coalesce(sum(i.value_gbp) filter (where in_pipeline(i.confidence, i.expected_date, $start, $end)), 0)
        as pipeline_value_gbp,
    count(*) filter (where expires_in(i.confidence, i.contract_end, $start, $end)) as contracts_expiring,
    coalesce(sum(i.value_gbp) filter (where expires_in(i.confidence, i.contract_end, $start, $end)), 0)
        as expiring_value_gbp
from kinds as k
left join items as i on k.buyers = i.buyers
group by k.sort_key, k.buyers
order by k.sort_key
