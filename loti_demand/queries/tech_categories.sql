-- The tech categories of the taxonomy, in display order, with their plain-English descriptions.
select tech_category, label as tech_category_label, description
from ref_tech_categories
order by cast(sort_order as integer), tech_category
