-- One row: when the warehouse was built, whether it is sample data, and the dates the data runs to.
select * from build_info
