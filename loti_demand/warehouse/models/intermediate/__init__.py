"""Intermediate models: build-internal tables the marts are made from, never written to the warehouse file."""
