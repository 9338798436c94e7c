-- Lines (spend) or releases (procurement) loaded from the files a refresh just fetched ($paths, relative to the
-- data folder; the members of a fetched ZIP count as the ZIP), by kind. Duplicates and quarantined lines are not
-- counted: they add nothing new.
select
    kind,
    cast(coalesce(sum(rows_loaded), 0) as bigint) as rows_loaded
from source_files
where list_contains($paths, path) or list_contains($paths, split_part(path, '!', 1))
group by kind
