"""Every registered query runs with the example parameters the benchmark uses, and every .sql file is reachable."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from loti_demand import queries

SOURCE = (queries.QUERIES_DIR / "__init__.py").read_text()


@pytest.mark.parametrize("name", sorted(queries.QUERIES))
def test_query_runs_with_its_example(sample_con, name: str) -> None:
    query = queries.QUERIES[name]
    df = query.function(sample_con, **query.example(sample_con))
    assert isinstance(df, pd.DataFrame)


def test_every_sql_file_is_run_by_a_registered_function() -> None:
    used = set(re.findall(r'run\(con, "([a-z_]+)"', SOURCE)) | {"demand_summary"}  # run from loti_demand.summary
    on_disk = {p.stem for p in queries.QUERIES_DIR.glob("*.sql")}
    assert on_disk - used == set()
