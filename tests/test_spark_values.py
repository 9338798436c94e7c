"""The SQL twins of the value parsers (warehouse/models/macros.sql) give on Spark what they give in Python: every date
and amount of tests/test_normalise_values.py, transpiled as the Spark build transpiles the staging model. Runs with
`pytest -m spark`."""

from __future__ import annotations

import pytest

from loti_demand.normalise.dates import parse_date
from loti_demand.normalise.money import parse_amount
from loti_demand.warehouse.spark.transpile import to_spark
from tests.test_normalise_values import AMOUNTS, DATES

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


def test_dates_and_amounts_parse_on_spark_as_in_python() -> None:
    pytest.importorskip("pyspark", reason="pip install -r requirements-spark.txt")
    from loti_demand.warehouse.spark.build import session

    texts = sorted({t for t, _ in DATES} | {t for t, _ in AMOUNTS})
    spark = session("local[1]")
    try:
        spark.createDataFrame([(t,) for t in texts], "t string").createOrReplaceTempView("vals")
        query = to_spark("select t, plausible_date(parse_date(t)) as d, parse_amount(t) as a from vals", "test")
        found = {row["t"]: (row["d"], row["a"]) for row in spark.sql(query).collect()}
    finally:
        spark.stop()
    assert found == {t: (parse_date(t), parse_amount(t)) for t in texts}
