"""Pure value-level cleaning: no I/O, no DuckDB. Each parser returns None rather than raising."""
