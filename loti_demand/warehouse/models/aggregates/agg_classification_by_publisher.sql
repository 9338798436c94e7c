-- One row per publisher x month x how its lines were classified (classification_method) x confidence: how each
-- borough's and body's tech spend was identified, and how much was left unclassified (method NULL), for the
-- Data and coverage page (over the months it shows).
select
    publisher_code,
    any_value(borough_code) as borough_code,
    payment_month,
    classification_method,
    classification_confidence,
    count(*) as lines,
    sum(amount_gbp) as amount_gbp
from spend
group by publisher_code, payment_month, classification_method, classification_confidence
order by publisher_code, payment_month, classification_method nulls last, classification_confidence
