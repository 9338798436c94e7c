"""Generate synthetic but realistic input data, in the formats councils and government really publish.

`generate(out_dir)` writes `spend/<borough>/...` (five council layouts, three financial years) and
`spend/<body>/...` for the GLA and TfL (their SAP exports),
`procurement/*.json` (OCDS 1.1 release packages in the Find a Tender and Contracts Finder styles) and
`challenges/challenges.csv`. Everything is derived from the seed and fixed dates: two runs give the same
bytes. Supplier, project and challenge names are fictional. Standard library plus openpyxl only.

The generator is split by topic: `constants`, `supplier_names`, `expenses` and `challenge_texts` hold the
tables; `common` the small helpers; `boroughs`, `suppliers` and `spend` the payments; `layouts` the registry of
file styles, written by `council_csv_layouts`, `xlsx_layout` and `sap_layouts` with `layout_parts`; `subjects`,
`procurement` and `ocds` the notices; `challenges`; `output` the folder.
`scale` writes the sample at scale (`generate_scaled`: millions of lines in seconds, with numpy and Arrow) for
the benchmark and large-build tests.
"""

from __future__ import annotations

from pathlib import Path

from loti_demand.sample.boroughs import load_bodies, load_boroughs
from loti_demand.sample.challenges import (
    LINKED_CHALLENGES,
    MULTI_BOROUGH_CHALLENGES,
    build_challenges,
    challenge_rows,
)
from loti_demand.sample.constants import BODY_LAYOUT_NAMES, DEFAULT_SEED, LAYOUT_NAMES, MARKER, REPEATED_LINES
from loti_demand.sample.expenses import NON_TECH_TYPES, PROCLASS_CATEGORIES, PROJECTS, SYSTEMS, TEAMS, TECH_TYPES
from loti_demand.sample.layouts import LAYOUTS
from loti_demand.sample.output import prepare, sample_readme, write_challenges, write_procurement, write_spend
from loti_demand.sample.procurement import build_processes, load_buyers
from loti_demand.sample.spend import build_spend
from loti_demand.sample.subjects import NON_TECH_SUBJECTS, TECH_SUBJECTS
from loti_demand.sample.supplier_names import REDACTED_NAMES
from loti_demand.sample.suppliers import NAME_STYLES, build_suppliers, supplier_spelling

__all__ = [
    "BODY_LAYOUT_NAMES",
    "DEFAULT_SEED",
    "LAYOUTS",
    "LAYOUT_NAMES",
    "LINKED_CHALLENGES",
    "MARKER",
    "MULTI_BOROUGH_CHALLENGES",
    "NAME_STYLES",
    "NON_TECH_SUBJECTS",
    "NON_TECH_TYPES",
    "PROCLASS_CATEGORIES",
    "PROJECTS",
    "REDACTED_NAMES",
    "REPEATED_LINES",
    "SYSTEMS",
    "TEAMS",
    "TECH_SUBJECTS",
    "TECH_TYPES",
    "build_suppliers",
    "default_reference_dir",
    "generate",
    "load_bodies",
    "load_boroughs",
    "supplier_spelling",
]


def default_reference_dir() -> Path:
    from loti_demand import config

    folder = config.path("reference")
    assert folder is not None
    return folder


def generate(out_dir: Path, *, seed: int = DEFAULT_SEED, reference_dir: Path | None = None) -> dict[str, int]:
    """Write the synthetic sample into `out_dir`; return the number of files and lines per source.

    The output depends only on the seed and the reference tables: running it twice gives identical bytes.
    """
    out_dir = Path(out_dir)
    reference_dir = Path(reference_dir) if reference_dir else default_reference_dir()
    prepare(out_dir)
    boroughs = load_boroughs(reference_dir, seed)
    suppliers = build_suppliers(seed)
    # The bodies come after the boroughs, whose payments stay as they were before the bodies were added.
    counts = write_spend(out_dir, build_spend(boroughs + load_bodies(), suppliers, seed))
    processes = build_processes(load_buyers(reference_dir, boroughs), boroughs, suppliers, seed)
    counts |= write_procurement(out_dir, processes)
    counts |= write_challenges(
        out_dir, challenge_rows(build_challenges(processes, boroughs, seed), reference_dir, seed)
    )
    (out_dir / MARKER).write_text(sample_readme(boroughs + load_bodies()), encoding="utf-8")
    return counts
