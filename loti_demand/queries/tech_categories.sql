-- The tech categories in taxonomy order, for filters and labels.
select tech_category, label as tech_category_label
from ref_tech_categories
order by cast(sort_order as integer), tech_category
