"""The models and their order: each file in models/{staging,intermediate,marts,aggregates}/ makes the table it is
named after, and runs after the files that make what it reads.

What a model reads comes from DuckDB's own parser (json_serialize_sql), never from a hand-kept list: a `.sql` model
reads the tables its query names (its CTEs are not tables) and the macros it calls; a `.py` model reads what its
module declares in READS plus what the SQL beside it reads. The two macro files make macros, and read the tables
their bodies read (DuckDB binds a table macro when it is created, so measures.sql runs once those exist).
"""

from __future__ import annotations

import ast
import heapq
import importlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb

from loti_demand.exceptions import ModelOrderError
from loti_demand.reference import Reference
from loti_demand.warehouse.db import MODELS_DIR, run_sql_file, scalar

LAYERS = ("staging", "intermediate", "marts", "aggregates")
MACRO_FILES = ("macros.sql", "measures.sql")
RAW_FILE = "raw.sql"  # the raw_* tables the readers load, created by the build before anything is read
# data/reference/<name>.csv, loaded as ref_<name> by build.load_reference
REFERENCE_TABLES = (
    "boroughs",
    "borough_aliases",
    "borough_neighbours",
    "london_bodies",
    "tech_categories",
    "tech_rules",
    "spend_sources",
    "technology_terms",
)
# written by build.load_reference and build.record_build
BUILD_TABLES = ("ref_refinements", "ref_manifest", "ref_build")
VIEW_LINE = "-- materialise: temp view"  # the first line of an intermediate model made as a temp view (Sql)


@dataclass(frozen=True)
class Sql:
    """A model file; its folder decides materialisation: staging and intermediate = temp table (build-internal, never
    written to the warehouse file: compressing a million-row table for nothing cost seconds), else table. Staging
    is made once, not kept as a view: the duplicate search and int_spend_lines both read the staged lines, and as a
    view each worked out the whole staging again (10 s of a 92 s build at 10M lines).

    An intermediate model whose file starts with the line `-- materialise: temp view` is a temp view instead: one
    that only adds a column to a table made before (int_spend_lines: the staged lines and their status) would
    otherwise copy every line (4 s at 10M lines, 28 s at 50M)."""

    path: str
    root: Path = field(default=MODELS_DIR, compare=False, repr=False)

    @property
    def name(self) -> str:
        return Path(self.path).stem

    @property
    def makes(self) -> tuple[str, ...]:
        return (self.name,)

    @property
    def materialisation(self) -> str:
        return self._materialisation((self.root / self.path).read_text(encoding="utf-8"))

    def _materialisation(self, body: str) -> str:
        if not self.path.startswith(("staging/", "intermediate/")):
            return "table"
        first = body.partition("\n")[0]
        return "temp view" if self.path.startswith("intermediate/") and first == VIEW_LINE else "temp table"

    def queries(self) -> list[str]:
        return [(self.root / self.path).read_text(encoding="utf-8")]

    def run(self, con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
        body = (self.root / self.path).read_text(encoding="utf-8")
        materialisation = self._materialisation(body)
        if materialisation != "table":  # a warehouse built before kept it in the file (staging as a view)
            kept = con.execute(
                "select table_type from information_schema.tables"
                " where table_catalog = current_database() and table_schema = 'main' and table_name = $name",
                {"name": self.name},
            ).fetchall()
            if kept:
                con.execute(f"drop {'view' if kept[0][0] == 'VIEW' else 'table'} if exists main.{self.name}")
        con.execute(f"create or replace {materialisation} {self.name} as\n{body}")


@dataclass(frozen=True)
class Py:
    """A model that needs Python: models/<folder>/<table>.py, whose create(con, ref) makes the table, reading with
    the SQL of <table>.sql beside it. Its module declares, as literals, READS: the tables its Python reads besides
    that SQL; and MAKES, only when one pass makes more than its own table."""

    path: str
    root: Path = field(default=MODELS_DIR, compare=False, repr=False)

    @property
    def name(self) -> str:
        return Path(self.path).stem

    @property
    def makes(self) -> tuple[str, ...]:
        return tuple(self._declared.get("MAKES", (self.name,)))

    @property
    def declared_reads(self) -> tuple[str, ...]:
        return tuple(self._declared["READS"])

    def queries(self) -> list[str]:
        beside = (self.root / self.path).with_suffix(".sql")
        return [beside.read_text(encoding="utf-8")] if beside.is_file() else []

    @cached_property
    def _declared(self) -> dict[str, tuple[str, ...]]:
        """READS and MAKES, read from the module's source (a literal tuple each), so ordering imports nothing."""
        tree = ast.parse((self.root / self.path).read_text(encoding="utf-8"))
        found = {}
        for statement in tree.body:
            target = statement.targets[0] if isinstance(statement, ast.Assign) else getattr(statement, "target", None)
            if isinstance(target, ast.Name) and target.id in ("READS", "MAKES") and statement.value is not None:
                try:
                    found[target.id] = tuple(ast.literal_eval(statement.value))
                except ValueError as exc:
                    raise ModelOrderError(
                        f"models/{self.path}: {target.id} must be a literal tuple of table names"
                    ) from exc
        if "READS" not in found:
            raise ModelOrderError(
                f"models/{self.path}: a Python model declares the tables its Python reads besides "
                "the SQL beside it: add READS = (...) (an empty tuple when it reads none)"
            )
        if self.name not in found.get("MAKES", (self.name,)):
            raise ModelOrderError(f"models/{self.path}: MAKES must include {self.name}, the table it is named after")
        return found

    @property
    def module(self):
        """The model's module, imported."""
        return importlib.import_module(
            "loti_demand.warehouse.models." + self.path.removesuffix(".py").replace("/", ".")
        )

    def run(self, con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
        self.module.create(con, ref)


_MACRO = re.compile(
    r"(?:\s|--[^\n]*\n)*create\s+or\s+replace\s+macro\s+(\w+)\s*\([^)]*\)\s+as\s+(table\s+)?(.*)",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class Macros:
    """A file of macros (models/macros.sql, models/measures.sql), each statement `create or replace macro`."""

    path: str
    root: Path = field(default=MODELS_DIR, compare=False, repr=False)

    @property
    def name(self) -> str:
        return Path(self.path).stem

    @property
    def makes(self) -> tuple[str, ...]:
        return tuple(self._bodies)

    def queries(self) -> list[str]:
        return list(self._bodies.values())

    @cached_property
    def _bodies(self) -> dict[str, str]:
        """{macro: its body as a query}: a table macro's query, or `select <expression>`."""
        bodies = {}
        for statement in duckdb.extract_statements((self.root / self.path).read_text(encoding="utf-8")):
            found = _MACRO.match(statement.query)
            if found is None:
                raise ModelOrderError(
                    f"models/{self.path}: every statement must be `create or replace macro "
                    f"<name>(...) as ...`, not {statement.query.strip()[:60]!r}"
                )
            name, is_table, body = found.groups()
            bodies[name] = body.rstrip().rstrip(";") if is_table else f"select {body.rstrip().rstrip(';')}"
        return bodies

    def run(self, con: duckdb.DuckDBPyConnection, ref: Reference) -> None:
        run_sql_file(con, self.root / self.path)


Model = Sql | Py | Macros


def discover(root: Path = MODELS_DIR) -> list[Model]:
    """Every model file under `root`: the macro files, then each layer's .py models and .sql models (a .sql beside
    a .py is that model's SQL). A file anywhere else is an error, not a table silently never made."""
    found: list[Model] = [Macros(name, root) for name in MACRO_FILES if (root / name).is_file()]
    for layer in LAYERS:
        for path in sorted((root / layer).glob("*.py")):
            if path.name != "__init__.py":
                found.append(Py(f"{layer}/{path.name}", root))
        for path in sorted((root / layer).glob("*.sql")):
            if not path.with_suffix(".py").is_file():
                found.append(Sql(f"{layer}/{path.name}", root))
    known = {root / m.path for m in found} | {root / m.path.replace(".py", ".sql") for m in found if isinstance(m, Py)}
    stray = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.suffix in (".sql", ".py") and p not in known and p.name != "__init__.py" and p != root / RAW_FILE
    )
    if stray:
        raise ModelOrderError(
            f"models/{', models/'.join(stray)}: not in a layer folder ({', '.join(LAYERS)}), so "
            "no build would run it: move it into one, named after the table it makes"
        )
    unnamed = [f"models/{m.path}" for m in found if not re.fullmatch(r"[a-z][a-z0-9_]*", m.name)]
    if unnamed:  # the build puts a model's name into its SQL as the table's
        raise ModelOrderError(
            f"{', '.join(unnamed)}: a model file is named after its table, in lower-case letters, "
            "digits and underscores"
        )
    return found


def sources(root: Path = MODELS_DIR) -> set[str]:
    """The tables made outside the models: the raw_* tables of raw.sql and the reference tables the build loads."""
    raw = re.findall(r"create table if not exists (\w+)", (root / RAW_FILE).read_text(encoding="utf-8"), re.I)
    return {*raw, *(f"ref_{name}" for name in REFERENCE_TABLES), *BUILD_TABLES}


def query_reads(con: duckdb.DuckDBPyConnection, query: str, where: str) -> tuple[set[str], set[str]]:
    """(tables, functions) one query reads and calls, by DuckDB's parser; the names of its CTEs are not tables."""
    tree = json.loads(scalar(con, "select json_serialize_sql($q)", {"q": query}))
    if tree["error"]:
        raise ModelOrderError(f"{where}: DuckDB cannot read its query: {tree['error_message']}")
    tables: set[str] = set()
    functions: set[str] = set()
    _walk(tree["statements"], frozenset(), tables, functions)
    return tables, functions


def _walk(node: object, ctes: frozenset[str], tables: set[str], functions: set[str]) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, ctes, tables, functions)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "BASE_TABLE":
        if node["schema_name"] or node["table_name"] not in ctes:
            tables.add(node["table_name"])
        return
    if "function_name" in node:
        functions.add(node["function_name"])
    inner = ctes
    for entry in (node.get("cte_map") or {}).get("map", []):  # a CTE sees the ones before it (and itself if recursive)
        recursive = entry["value"]["query_node"]["type"] == "RECURSIVE_CTE_NODE"
        _walk(entry["value"], inner | {entry["key"]} if recursive else inner, tables, functions)
        inner = inner | {entry["key"]}
    for key, child in node.items():
        if key != "cte_map":
            _walk(child, inner, tables, functions)


def reads(models: Sequence[Model]) -> dict[Model, set[str]]:
    """{model: the tables and macros it reads, other than those it makes itself}."""
    macros = {name for m in models if isinstance(m, Macros) for name in m.makes}
    found = {}
    con = duckdb.connect()
    try:
        for model in models:
            tables = set(model.declared_reads) if isinstance(model, Py) else set()
            functions: set[str] = set()
            for query in model.queries():
                read, called = query_reads(con, query, f"models/{model.path}")
                tables |= read
                functions |= called
            found[model] = (tables | (functions & macros)) - set(model.makes)
    finally:
        con.close()
    return found


def in_order(models: Sequence[Model], known: Iterable[str]) -> tuple[Model, ...]:
    """The models, each after those that make what it reads; ties go by layer, then name. Two files making one
    table, a read of a table nothing makes, or models that read each other in a circle is a ModelOrderError
    naming the files."""
    known = set(known)
    makers: dict[str, list[Model]] = {}
    for model in models:
        for name in model.makes:
            makers.setdefault(name, []).append(model)
    twice = [
        f"{name} is made by {' and '.join(f'models/{m.path}' for m in made)}"
        + (" and loaded by the build" if name in known else "")
        for name, made in sorted(makers.items())
        if len(made) > 1 or name in known
    ]
    if twice:
        raise ModelOrderError("; ".join(twice) + ": each table must be made by exactly one file, named after it")
    needs = reads(models)
    missing = [
        f"models/{m.path} reads {', '.join(sorted(n - makers.keys() - known))}"
        for m, n in needs.items()
        if n - makers.keys() - known
    ]
    if missing:
        raise ModelOrderError(
            "; ".join(missing) + ", which no model makes and the build does not load: add the "
            "model that makes it, or correct the name"
        )
    sorter = TopologicalSorter({m: {makers[n][0] for n in needs[m] if n in makers} for m in models})
    try:
        sorter.prepare()
    except CycleError as exc:
        circle = " reads ".join(f"models/{m.path}" for m in reversed(exc.args[1]))
        raise ModelOrderError(
            f"the models read each other in a circle ({circle}): one of them must stop reading the next"
        ) from None
    rank = {layer: number for number, layer in enumerate(LAYERS, start=1)}

    def key(model: Model) -> tuple[int, str, str]:
        return rank.get(model.path.split("/")[0], 0), model.name, model.path

    ordered, ready = [], []
    while sorter.is_active():
        for model in sorter.get_ready():
            heapq.heappush(ready, (key(model), model))
        _, model = heapq.heappop(ready)
        ordered.append(model)
        sorter.done(model)
    return tuple(ordered)


@cache
def models() -> tuple[Model, ...]:
    """The build's models in the order it runs them."""
    return in_order(discover(), sources())


def models_up_to(table: str) -> tuple[Model, ...]:
    """The models needed to make `table` (it included), in build order."""
    ordered = models()
    needs = reads(ordered)
    maker = {name: m for m in ordered for name in m.makes}
    wanted, todo = set(), [maker[table]]
    while todo:
        model = todo.pop()
        if model not in wanted:
            wanted.add(model)
            todo += [maker[n] for n in needs[model] if n in maker]
    return tuple(m for m in ordered if m in wanted)
