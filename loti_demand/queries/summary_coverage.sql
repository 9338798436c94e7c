-- What the demand summary's spend rests on in months $month_from..$month_to (NULL = open): the boroughs and the
-- area-wide bodies with spend data, of how many boroughs, and the first and last month of spend.
select
    count(distinct s.publisher_code) filter (where p.publisher_type = 'borough') as boroughs_with_spend,
    (select count(*) from publishers where publisher_type = 'borough') as boroughs,
    count(distinct s.publisher_code) filter (where p.publisher_type <> 'borough') as bodies_with_spend,
    min(s.payment_month) as first_month,
    max(s.payment_month) as last_month
from agg_spend_by_borough_month as s
inner join publishers as p on s.publisher_code = p.publisher_code
where ($month_from is null or s.payment_month >= $month_from)
    and ($month_to is null or s.payment_month <= $month_to)
