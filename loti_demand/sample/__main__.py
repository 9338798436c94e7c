"""`python -m loti_demand.sample [OUT]` writes the sample; `python -m loti_demand sample` is the usual way."""

from __future__ import annotations

import sys
from pathlib import Path

from loti_demand.sample import generate

if __name__ == "__main__":  # pragma: no cover - `python -m loti_demand sample` is the usual way
    print(generate(Path(sys.argv[1] if len(sys.argv) > 1 else "data/sample")))  # noqa: T201
