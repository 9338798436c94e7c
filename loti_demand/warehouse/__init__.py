"""The DuckDB warehouse: raw tables, SQL models run in a declared order, checks, atomic builds."""
