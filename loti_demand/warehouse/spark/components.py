"""Connected components on Spark: which nodes a list of links joins, directly or through others.

Min-label propagation with shortcuts: every node starts labelled with the least node it links to (itself
included), then each round takes the least label among its neighbours' and its label's own label, until no label
changes. Labels only fall, and a label is always a node of the same component, so at the end every node of a
component is labelled with its least node. The shortcuts (a label's own label) make a long chain take far fewer
rounds than it has links; MAX_ROUNDS bounds them.
"""

from __future__ import annotations

from loti_demand.exceptions import BuildCheckError

MAX_ROUNDS = 60


def connected_components(links, what: str, max_rounds: int = MAX_ROUNDS):
    """(node, component) for every node of `links` (a DataFrame of two string columns: a node and a node it links
    to, either way round), component the least node it is connected to. BuildCheckError naming `what` when the
    labels still change after max_rounds rounds."""
    from pyspark.sql import functions as sf

    a, b = links.columns
    pairs = links.select(sf.col(a).alias("node"), sf.col(b).alias("other"))
    pairs = pairs.union(pairs.select("other", "node")).union(pairs.select("node", "node")).distinct()
    pairs = pairs.localCheckpoint()
    labels = pairs.groupBy("node").agg(sf.min("other").alias("label")).localCheckpoint()
    for _ in range(max_rounds):
        theirs = labels.select(sf.col("node").alias("other"), sf.col("label").alias("their"))
        least = pairs.join(theirs, "other").groupBy("node").agg(sf.min("their").alias("label"))
        jumped = labels.select(sf.col("node").alias("label"), sf.col("label").alias("jump"))  # the label's label
        new = least.join(jumped, "label").select("node", sf.least("label", "jump").alias("label")).localCheckpoint()
        changed = new.join(labels.withColumnRenamed("label", "old"), "node").where("label <> old").limit(1).count()
        labels = new
        if not changed:
            return labels.withColumnRenamed("label", "component")
    raise BuildCheckError(
        f"{what}: the connected sets were still changing after {max_rounds} rounds of Spark jobs, a chain of links "
        "far longer than real data makes: report it, with the build's data folder"
    )
