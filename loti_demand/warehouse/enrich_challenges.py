"""The Python build step for challenge statements: validate every row.

validate_challenges -> int_challenges (every row, with its problem or None) and int_challenge_boroughs.

Ids: an id may appear once per file. When a later file (a re-publication) repeats an id for an overlapping
set of boroughs, the later row replaces the earlier one, which is then counted as a duplicate of its file;
when the boroughs do not overlap, two publishers have chosen the same id and the later row is rejected.
"""

from __future__ import annotations

from itertools import groupby

import duckdb
import pyarrow as pa

from loti_demand.normalise.challenges import (
    ChallengeRules,
    Problem,
    combined_message,
    issue_fields,
    location,
    validate_rows,
)
from loti_demand.reference import Reference
from loti_demand.sources.challenges import CHALLENGE_FIELDS
from loti_demand.warehouse.enrich import replace_table

_S = pa.string()
CHALLENGE_SCHEMA = pa.schema([
    ("file_id", pa.int32()), ("source_file", _S), ("source_row", pa.int32()),
    *[(f, _S) for f in CHALLENGE_FIELDS[:-1]], ("tech_category_reason", _S), ("outcome_ocid", _S),
    ("problem", _S), ("problem_column", _S), ("problem_value", _S), ("superseded_by", _S),
])
CHALLENGE_BOROUGH_SCHEMA = pa.schema([("challenge_id", _S), ("borough_code", _S), ("position", pa.int32())])


def validate_challenges(con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
    """Validate each challenge row, file by file; valid rows and their boroughs go on, invalid rows carry
    one combined problem message."""
    rules = ChallengeRules.from_reference(ref)
    formats = dict(con.execute("select file_id, detected_format from raw_source_files").fetchall())
    fields = ", ".join((*CHALLENGE_FIELDS, "schema_problems"))
    raw = con.execute(f"select file_id, source_file, source_row, {fields} from raw_challenges "
                      "order by file_id, source_row").fetchall()
    rows: list[dict] = []
    current: dict[str, dict] = {}  # id -> the row that holds it now
    for file_id, group in groupby(raw, key=lambda r: r[0]):
        records = list(group)
        source_file, fmt = records[0][1], formats.get(file_id)
        parsed = [(r[2], dict(zip((*CHALLENGE_FIELDS, "schema_problems"), r[3:], strict=True))) for r in records]
        for number, result in validate_rows(parsed, rules, fmt):
            out = {"file_id": file_id, "source_file": source_file, "source_row": number, **result.row,
                   "superseded_by": None, "_codes": result.borough_codes, "_where": location(fmt, number)}
            where = out["_where"]
            if result.is_valid:
                _take_id(out, current, ref, where, result.problems)
            if result.problems:
                column, value = issue_fields(result.problems)
                out.update(problem=combined_message(where, result.problems), problem_column=column,
                           problem_value=value)
            rows.append(out)
    boroughs = [{"challenge_id": cid, "borough_code": code, "position": i}
                for cid, row in current.items() for i, code in enumerate(row["_codes"], start=1)]
    replace_table(con, "int_challenges", rows, CHALLENGE_SCHEMA)
    replace_table(con, "int_challenge_boroughs", boroughs, CHALLENGE_BOROUGH_SCHEMA)


def _take_id(out: dict, current: dict[str, dict], ref: Reference, where: str, problems: list[Problem]) -> None:
    """Give the row its id, replacing an earlier file's row for the same boroughs, or record a clash."""
    earlier = current.get(out["id"])
    if earlier is not None and not set(earlier["_codes"]) & set(out["_codes"]):
        names = ", ".join(ref.borough_names[c] for c in earlier["_codes"])
        first = ref.borough_names[out["_codes"][0]].lower().replace(" ", "-")
        problems.append(Problem("id", (
            f"id '{out['id']}' is already used by {earlier['source_file']} {earlier['_where']} for {names} "
            f"(ids must be unique London-wide: start yours with your borough, e.g. {first}-{out['id']})"
        ), out["id"]))
        return
    if earlier is not None:
        earlier["superseded_by"] = f"{out['source_file']} {where}"
    current[out["id"]] = out
