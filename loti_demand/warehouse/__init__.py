"""The DuckDB warehouse: raw tables, SQL models run in the order of what they read, checks, atomic builds."""
