"""The sample at scale: N payment lines (a million or ten million, written in seconds) in three council layouts,
one file per borough-month over ten financial years, plus N OCDS releases and the sample's challenge statements.
`python -m loti_demand sample --lines N` writes it; the benchmark (benchmarks/) builds from it.

Everything is vectorised (numpy draws, pyarrow string kernels); the same parameters always give the same bytes.
The expense types, labels, purposes and departments are the sample's (loti_demand/sample/expenses.py); the
suppliers are 30,000 fictional entities of their own, so that a payee's market share follows a long tail.

Layouts (the sample's `lga`, `preamble` and `bom`, with the columns the build reads):
- lga: the LGA spend-data schema, ISO dates, plain amounts, ProClass codes, purposes naming the month;
- preamble: a report export with 6-9 title lines before the header, dd/mm/yyyy dates, "1,234.56" amounts
  (whole pounds printed without pence), the category in capitals;
- bom: UTF-8 with a byte-order mark, " Amount " header, " 1,234.56 " padded amounts, dd/mm/yyyy dates and a
  blank row plus an unlabelled grand-total row at the end (quarantined by the build as a totals row).

Suppliers: the popular ones have 2-4 spellings ('Ashmere Software Ltd', 'ASHMERE SOFTWARE LTD', 'Ashmere Software
Limited', 'Ashmere Software Ltd.'); each borough mostly uses one spelling, with 10% noise. About 3% of lines are
redacted payees. Duplicates: in the first borough of each layout, each year's March file starts with the last
`repeated` lines of February's (a re-export overlap), which the build counts as duplicates.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

from loti_demand.sample.scale.files import LAYOUTS, write_spend
from loti_demand.sample.scale.params import ScaledData, ScaleParams

MANIFEST = "scale-manifest.json"


def generate_scaled(folder: Path, params: ScaleParams) -> ScaledData:
    """Write the sample at scale into `folder`, or reuse what is there when it was made with the same parameters.

    Like the sample, it refuses a folder that holds other files."""
    from loti_demand.sample.output import prepare

    folder = Path(folder)
    manifest = folder / MANIFEST
    if manifest.is_file():
        saved = json.loads(manifest.read_text(encoding="utf-8"))
        if saved.pop("params", None) == asdict(params):
            return ScaledData(folder, params, **saved, reused=True)
    prepare(folder)
    manifest.unlink(missing_ok=True)
    started = time.perf_counter()
    result = write_spend(folder, params, ScaledData(folder, params))
    if params.releases:
        from loti_demand.sample.scale.releases import generate_releases

        result.release_files = generate_releases(folder, params.releases, params.seed)
    _write_challenges(folder)
    result.seconds = time.perf_counter() - started
    (folder / "SAMPLE.md").write_text(
        f"Synthetic data made by `python -m loti_demand sample --lines {params.lines} --releases {params.releases} "
        f"--months {params.months}` (loti_demand/sample/scale/): fictional suppliers and notices, not real council "
        "data.\n",
        encoding="utf-8",
    )
    saved = {k: v for k, v in asdict(result).items() if k not in ("folder", "params", "reused")}
    manifest.write_text(json.dumps({"params": asdict(params), **saved}, indent=2), encoding="utf-8")
    return result


def _write_challenges(folder: Path) -> None:
    """The sample's challenge statements: a few dozen rows London-wide, not a question of scale."""
    from loti_demand.sample import (
        DEFAULT_SEED,
        build_challenges,
        build_processes,
        build_suppliers,
        challenge_rows,
        default_reference_dir,
        load_boroughs,
        load_buyers,
    )
    from loti_demand.sample.output import write_challenges

    reference = default_reference_dir()
    boroughs = load_boroughs(reference, DEFAULT_SEED)
    processes = build_processes(load_buyers(reference, boroughs), boroughs, build_suppliers(DEFAULT_SEED), DEFAULT_SEED)
    write_challenges(
        folder, challenge_rows(build_challenges(processes, boroughs, DEFAULT_SEED), reference, DEFAULT_SEED)
    )


__all__ = ["LAYOUTS", "ScaleParams", "ScaledData", "generate_scaled"]
