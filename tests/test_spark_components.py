"""Connected components on Spark (warehouse/spark/components.py), which the Spark build's supplier resolution splits
the names by: every node labelled with the least node it is connected to, through chains, cycles and links given
either way round; a graph that needs more rounds than allowed stops with a clear error. Runs with `pytest -m spark`."""

from __future__ import annotations

import pytest

from loti_demand.exceptions import BuildCheckError

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
]


def test_connected_components_labels_each_node_with_its_least_connected_node() -> None:
    pytest.importorskip("pyspark", reason="pip install -r requirements-spark.txt")
    from loti_demand.warehouse.spark.build import session
    from loti_demand.warehouse.spark.components import connected_components

    chain = [(f"c{i:03}", f"c{i + 1:03}") for i in range(200)][::-1]  # c000 - c001 - ... - c200, listed backwards
    links = [*chain, ("x", "k:b"), ("k:a", "x"), ("y", "y"), ("z1", "z2"), ("z2", "z3"), ("z3", "z1")]
    spark = session("local[1]")
    try:
        frame = spark.createDataFrame(links, "node string, link string")
        found = dict(map(tuple, connected_components(frame, "a test").collect()))
        assert found == {
            **{f"c{i:03}": "c000" for i in range(201)},
            **dict.fromkeys(("x", "k:a", "k:b"), "k:a"),
            "y": "y",
            **dict.fromkeys(("z1", "z2", "z3"), "z1"),
        }
        with pytest.raises(BuildCheckError, match="a test: the connected sets were still changing after 2 rounds"):
            connected_components(frame, "a test", max_rounds=2)
    finally:
        spark.stop()
