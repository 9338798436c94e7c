-- The bid deadline and the latest notice of the given procurements ($ocids), for the Demand calendar's feed and
-- calendar file (demand_items keeps only the date each procurement is expected).
select
    ocid,
    tender_end,
    last_release_date
from procurements
where list_contains($ocids, ocid)
order by ocid
