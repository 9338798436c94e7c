-- One row per area x tech category x month with tech demand: tech spend (by payment month), the pipeline's statutory
-- notices (by expected_date) and contracts expiring (by contract_end): the dates of the in_pipeline and expires_in
-- rules (macros.sql), so a window of whole months sums to what the pages count in it. An area is a borough, a
-- London-wide body (borough_code NULL, publisher_code its code) or another London buyer (both NULL). The demand
-- summary export reads it; challenges are counted there, from the challenge tables.
with facts as (
    select
        borough_code,
        publisher_code,
        tech_category,
        payment_month as month,
        amount_gbp as tech_spend_gbp,
        lines
    from agg_spend_by_borough_month
    where tech_category is not null

    union all by name

    select
        borough_code,
        publisher_code,
        tech_category,
        date_trunc('month', expected_date) as month,
        1 as pipeline_count,
        value_gbp as pipeline_value_gbp
    from demand_items
    where confidence = 'statutory notice' and tech_category is not null and expected_date is not null

    union all by name

    select
        borough_code,
        publisher_code,
        tech_category,
        date_trunc('month', contract_end) as month,
        1 as contracts_expiring,
        value_gbp as expiring_value_gbp
    from demand_items
    where confidence = 'inferred from contract end date' and tech_category is not null and contract_end is not null
)

select
    f.borough_code,
    f.publisher_code,
    f.tech_category,
    cast(f.month as date) as month,
    cast(sum(f.tech_spend_gbp) as decimal(18, 2)) as tech_spend_gbp,
    cast(coalesce(sum(f.lines), 0) as bigint) as lines,
    cast(coalesce(sum(f.pipeline_count), 0) as bigint) as pipeline_count,
    cast(sum(f.pipeline_value_gbp) as decimal(18, 2)) as pipeline_value_gbp,
    cast(coalesce(sum(f.contracts_expiring), 0) as bigint) as contracts_expiring,
    cast(sum(f.expiring_value_gbp) as decimal(18, 2)) as expiring_value_gbp
from facts as f
where f.tech_category in (select c.tech_category from ref_tech_categories as c)
group by all
order by f.borough_code, f.publisher_code, month, f.tech_category
