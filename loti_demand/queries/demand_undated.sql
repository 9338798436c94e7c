-- London tech procurements the calendar cannot place because neither the notice nor the contract gives a date.
select confidence, count(*) as items
from demand_items
where expected_date is null and tech_category is not null
group by confidence
order by confidence
