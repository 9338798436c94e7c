"""Marts: one row per thing (a borough, a payment line, a procurement...)."""
