-- Each distinct description of the loaded spend lines, with its ProClass code, for int_spend_classification.py to
-- classify once.
select distinct descriptions, proclass_code, proclass_label
from int_spend_lines
where problem is null
