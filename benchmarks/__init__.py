"""The benchmark, the ingest timing and the load test: run from the repository's root with `python -m benchmarks`
(see docs/performance.md). Not part of the installed package."""
