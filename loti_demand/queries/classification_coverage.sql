-- One row per borough and London-wide body with spend: how its tech spend was identified (the line's own words,
-- a general heading, what its supplier is known for, a name signal, the supplier's other payments, an IT
-- department, an officer's correction), how much more is possibly tech, and the share of its spend that nothing
-- suggests is tech (unclassified), over the payment months $date_from to $date_to.
select
    coalesce(p.publisher_name, c.publisher_code) as area_name,
    c.borough_code,
    coalesce(sum(c.amount_gbp) filter (where c.classification_method in ('text', 'proclass')
        and c.classification_confidence = 'high'), 0) as by_text_gbp,
    coalesce(sum(c.amount_gbp) filter (where c.classification_method = 'heading'
        and c.classification_confidence = 'medium'), 0) as by_heading_gbp,
    coalesce(sum(c.amount_gbp) filter (where c.classification_method in ('supplier list', 'contract award')
        and c.classification_confidence in ('high', 'medium')), 0) as by_supplier_gbp,
    coalesce(sum(c.amount_gbp) filter (where c.classification_method = 'name signal'
        and c.classification_confidence in ('high', 'medium')), 0) as by_name_signal_gbp,
    coalesce(sum(c.amount_gbp) filter (where c.classification_method = 'supplier lines'
        and c.classification_confidence = 'medium'), 0) as by_supplier_lines_gbp,
    coalesce(sum(c.amount_gbp) filter (where c.classification_method = 'department'
        and c.classification_confidence = 'medium'), 0) as by_department_gbp,
    coalesce(sum(c.amount_gbp) filter (where c.classification_method = 'correction'
        and c.classification_confidence = 'high'), 0) as by_correction_gbp,
    coalesce(sum(c.amount_gbp) filter (where c.classification_confidence = 'low'), 0) as possible_tech_gbp,
    100 * cast(coalesce(sum(c.amount_gbp) filter (where c.classification_confidence is null), 0) as double)
        / nullif(sum(c.amount_gbp), 0) as unclassified_share_pct
from agg_classification_by_publisher as c
left join publishers as p on c.publisher_code = p.publisher_code
where c.payment_month between $date_from and $date_to
group by c.publisher_code, p.publisher_name, c.borough_code
order by c.borough_code is null, area_name
