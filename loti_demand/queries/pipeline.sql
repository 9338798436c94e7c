-- Upcoming London procurements, from statutory notices: planning notices (UK1 pipeline, UK2 engagement, UK3
-- planned) dated by the expected approach to market, open tenders (UK4) dated by the bid deadline, for key
-- dates between $from and $to. Optional filters ($x is null = all): $borough_code, $tech_category,
-- $notice_type, $sme_only. Cancelled, withdrawn and completed processes are left out.
with upcoming as (
    select
        ocid,
        borough_code,
        buyer_name,
        title,
        tech_category,
        stage,
        notice_type,
        value_gbp,
        is_sme_suitable,
        expected_market_date,
        tender_start,
        tender_end,
        url,
        case
            when stage = 'planning' then coalesce(expected_market_date, tender_start)
            else coalesce(tender_end, tender_start)
        end as key_date,
        case
            when stage = 'planning' and expected_market_date is not null then 'expected approach to market'
            when stage = 'planning' then 'planned tender start'
            when tender_end is not null then 'bid deadline'
            else 'tender start'
        end as key_date_basis
    from procurements
    where
        is_london
        and stage in ('planning', 'tender')
        and coalesce(status, '') not in ('cancelled', 'withdrawn', 'unsuccessful', 'complete')
)

select
    ocid,
    borough_code,
    buyer_name,
    title,
    tech_category,
    stage,
    notice_type,
    key_date,
    key_date_basis,
    expected_market_date,
    tender_start,
    tender_end,
    value_gbp,
    is_sme_suitable,
    url,
    'statutory notice' as confidence
from upcoming
where
    key_date between $from and $to
    and ($borough_code is null or borough_code = $borough_code)
    and ($tech_category is null or tech_category = $tech_category)
    and ($notice_type is null or notice_type = $notice_type)
    and ($sme_only is null or not $sme_only or is_sme_suitable)
order by key_date, ocid
