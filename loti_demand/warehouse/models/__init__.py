"""The warehouse models: one file per table, in staging/, intermediate/, marts/ and aggregates/ (see build.py)."""
