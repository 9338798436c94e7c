-- Overview headline figures for the 12 months to $as_of (spend) and the 18 months from $as_of (tech pipeline).
select
    (select sum(amount_gbp) from agg_spend_by_borough_month
     where tech_category is not null
        and payment_month > $as_of - interval 12 month and payment_month <= $as_of) as tech_spend_gbp,
    (select count(distinct borough_code) from agg_spend_by_borough_month
     where payment_month > $as_of - interval 12 month and payment_month <= $as_of) as boroughs_with_spend,
    (select sum(lines) from agg_spend_by_borough_month
     where tech_category is not null
        and payment_month > $as_of - interval 12 month and payment_month <= $as_of) as lines,
    -- the same items as the Demand calendar's statutory notices (demand_items), so the figures agree
    (select sum(value_gbp) from demand_items
     where confidence = 'statutory notice' and tech_category is not null
        and expected_date between $as_of and last_day($as_of + interval 18 month)) as pipeline_value_gbp,
    (select count(*) from demand_items
     where confidence = 'statutory notice' and tech_category is not null
        and expected_date between $as_of and last_day($as_of + interval 18 month)) as pipeline_count,
    (select count(*) from challenges where status = 'open') as open_challenges
