-- One row per London procurement that signals demand: an upcoming notice (dated by the notice: "statutory
-- notice") or an awarded contract (re-procurement dated from its end date: "inferred from contract end date").
-- Source: procurements. Written by stage, notice type and status together, because stage detection varies by
-- publisher (a compiled pipeline notice may report stage 'tender'). Cancelled and withdrawn processes are left
-- out; so are tenders marked complete without an award. The lead-time rule and value bands mirror
-- metrics.REPROCUREMENT and metrics.VALUE_BANDS (tests check they agree). A re-procurement is never expected before
-- its contract starts: a contract that runs for less than its lead time is expected from its start date (the
-- award date is not published apart from it). Current suppliers are shown as
-- procurement_suppliers names them (the suppliers mart's canonical name where they are paid).
with incumbents as (
    select
        ocid,
        supplier_names(supplier_name, position) as incumbent_suppliers,
        first_supplier_id(supplier_id, position) as incumbent_supplier_id
    from procurement_suppliers
    group by ocid
),

classified as (
    select
        p.*,
        case
            when coalesce(p.status, '') in ('cancelled', 'withdrawn', 'unsuccessful') then null
            when p.stage in ('award', 'contract') or p.notice_type in ('award', 'contract')
                or p.award_value_gbp is not null or p.supplier_names is not null
                then 'inferred from contract end date'
            when p.stage in ('planning', 'tender') and coalesce(p.status, '') <> 'complete'
                then 'statutory notice'
        end as confidence,
        coalesce(
            p.notice_type in ('UK1 pipeline', 'UK2 engagement', 'UK3 planned')
            or p.status in ('planning', 'planned')
            or p.stage = 'planning',
            false
        ) as is_planning_notice
    from procurements as p
    where p.is_london
),

dated as (
    select
        *,
        case
            when confidence = 'inferred from contract end date'
                then coalesce(award_value_gbp, value_gbp)
            else value_gbp
        end as item_value_gbp,
        case
            when confidence = 'inferred from contract end date' then null
            when is_planning_notice then coalesce(expected_market_date, tender_start, tender_end)
            else coalesce(tender_end, tender_start, expected_market_date)
        end as notice_date,
        case
            when confidence = 'inferred from contract end date' then null
            when is_planning_notice and expected_market_date is not null then 'expected market date'
            when is_planning_notice and tender_start is not null then 'planned tender start'
            when tender_end is not null then 'tender deadline'
            when tender_start is not null then 'tender start'
            when expected_market_date is not null then 'expected market date'
        end as notice_date_basis
    from classified
    where confidence is not null
),

ruled as (
    select
        *,
        case
            when confidence <> 'inferred from contract end date' then null
            when item_value_gbp >= 2000000 then 12
            else 6
        end as lead_months
    from dated
),

-- contract end minus the lead time, and the contract's start when it comes no later than its end (a start after
-- the end is a publishing error, and sets no floor)
leads as (
    select
        *,
        cast(contract_end - to_months(lead_months) as date) as end_minus_lead,
        case when contract_start <= contract_end then contract_start end as floor_date
    from ruled
)

select
    -- ids
    r.ocid,
    r.borough_code,
    r.publisher_code,
    coalesce(b.borough_name, pub.publisher_name, 'London-wide body') as area_name,
    r.buyer_name,
    -- what
    r.title,
    r.tech_category,
    r.notice_type,
    r.stage,
    r.status,
    -- evidence and dates
    r.confidence,
    case
        when r.end_minus_lead < r.floor_date
            then 'contract start (it runs less than ' || r.lead_months || ' months)'
        when r.end_minus_lead is not null then 'contract end minus ' || r.lead_months || ' months'
        else r.notice_date_basis
    end as date_basis,
    r.lead_months,
    case
        when r.lead_months is null then r.notice_date
        when r.end_minus_lead is not null then greatest(r.end_minus_lead, r.floor_date)
    end as expected_date,
    case
        when r.lead_months is not null then r.contract_end
        else r.notice_date
    end as due_until,
    r.contract_end,
    i.incumbent_suppliers,
    i.incumbent_supplier_id,
    -- value
    cast(r.item_value_gbp as decimal(18, 2)) as value_gbp,
    case
        when r.item_value_gbp is null then 'unknown'
        when r.item_value_gbp < 100000 then 'under_100k'
        when r.item_value_gbp < 500000 then '100k_500k'
        when r.item_value_gbp < 2000000 then '500k_2m'
        when r.item_value_gbp < 10000000 then '2m_10m'
        else '10m_plus'
    end as value_band,
    r.is_sme_suitable,
    case when regexp_matches(r.url, '^https?://') then r.url end as url
from leads as r
left join boroughs as b on r.borough_code = b.borough_code
left join publishers as pub on r.publisher_code = pub.publisher_code
left join incumbents as i on r.ocid = i.ocid
order by expected_date nulls last, r.ocid
