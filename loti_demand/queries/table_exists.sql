-- 1 when a table or view named $table_name exists in the warehouse, else 0 (for tables other branches may add).
select count(*) as n from information_schema.tables where table_name = $table_name
