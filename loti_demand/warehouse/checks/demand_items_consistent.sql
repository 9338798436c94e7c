-- demand_items: one row per ocid, only London procurements, every live London procurement present, and every
-- inferred date follows the lead-time rule (contract end minus the lead time, or the contract's start when that
-- comes later and no later than the end).
select 'demand_items: duplicate ocid' as problem, ocid from demand_items group by ocid having count(*) > 1

union all

select 'demand_items: not a London procurement', d.ocid
from demand_items as d
left join procurements as p on d.ocid = p.ocid
where not coalesce(p.is_london, false)

union all

select 'demand_items: inferred date does not follow the rule', d.ocid
from demand_items as d
inner join procurements as p on d.ocid = p.ocid
where d.confidence = 'inferred from contract end date'
    and d.contract_end is not null
    and (d.lead_months <> case when d.value_gbp >= 2000000 then 12 else 6 end
        or d.expected_date <> case
            when p.contract_start <= d.contract_end
                and p.contract_start > cast(d.contract_end - to_months(d.lead_months) as date)
                then p.contract_start
            else cast(d.contract_end - to_months(d.lead_months) as date)
        end)

union all

select 'demand_items: London procurement missing', ocid
from procurements
where is_london
    and coalesce(status, '') not in ('cancelled', 'withdrawn', 'unsuccessful')
    and (coalesce(status, '') <> 'complete' or stage in ('award', 'contract'))
    and ocid not in (select ocid from demand_items)
