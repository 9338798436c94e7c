"""Build the warehouse in a child process so its peak memory is its own (the generator and pandas live in the
parent): `python -m benchmarks.build_child DATA WAREHOUSE OUT.json`.

Writes the build's progress events with their times and the peak RSS so far (so the report can say in which
phase memory peaked), the build report's counts and the child's peak RSS.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from loti_demand.exceptions import LotiDemandError
from loti_demand.warehouse.build import build


def main(argv: list[str]) -> int:
    data, warehouse, out = (Path(a) for a in argv)
    events: list[tuple[float, str, int]] = []  # (seconds, message, peak RSS so far in KB)
    started = time.perf_counter()

    def progress(message: str) -> None:
        events.append((time.perf_counter() - started, message, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))

    try:
        report = build(data, warehouse, progress=progress)
    except LotiDemandError as exc:
        sys.stderr.write(f"benchmark build failed: {exc}\n")
        return 1
    out.write_text(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "events": events,
                "counts": report.counts,
                "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        ),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
