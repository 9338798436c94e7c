-- Tech procurements by one borough ($borough) at planning or tender stage expected to come to market in the window.
select
    coalesce(p.expected_market_date, p.tender_end, p.tender_start) as market_date,
    p.title,
    p.notice_type,
    c.label as tech_category_label,
    p.value_gbp,
    p.is_sme_suitable,
    p.url
from procurements as p
inner join ref_tech_categories as c on p.tech_category = c.tech_category
where p.borough_code = $borough
    and p.stage in ('planning', 'tender')
    and coalesce(p.expected_market_date, p.tender_end, p.tender_start) between $start and $end
order by market_date, p.title
