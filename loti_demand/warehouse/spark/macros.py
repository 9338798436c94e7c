"""The macros of models/macros.sql and models/measures.sql, expanded where a model calls them, as DuckDB itself
would bind them (for the Spark build: Spark has no macros). A scalar macro's body replaces the call, its
parameters replaced by the call's arguments (a macro calling another is expanded in turn); a table macro in a
FROM clause becomes a subquery of its body (DuckDB binds a table macro to the tables it reads when it is created).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import TokenType

from loti_demand.exceptions import LotiDemandError
from loti_demand.warehouse.db import MODELS_DIR
from loti_demand.warehouse.order import MACRO_FILES

DUCKDB = Dialect.get_or_raise("duckdb")


class SparkSqlError(LotiDemandError):
    """A model's SQL uses a DuckDB construct that has no Spark SQL counterpart here."""


@dataclass(frozen=True)
class Macro:
    name: str
    params: tuple[str, ...]
    body: exp.Expression  # an expression, or a query for a table macro
    is_table: bool


@cache
def macros(root: Path = MODELS_DIR) -> dict[str, Macro]:
    """{name: Macro} for every macro of the macro files, by sqlglot's DuckDB parser."""
    found: dict[str, Macro] = {}
    texts = {file: (root / file).read_text(encoding="utf-8") for file in MACRO_FILES}
    names = [n for text in texts.values() for n in re.findall(r"create\s+or\s+replace\s+macro\s+(\w+)", text, re.I)]
    for file, text in texts.items():
        for statement in sqlglot.parse(mark_calls(text, names), read=DUCKDB):
            if not (isinstance(statement, exp.Create) and statement.kind == "MACRO"):
                raise SparkSqlError(f"models/{file}: every statement must be `create or replace macro`")
            signature = statement.this
            name = signature.this.name.removeprefix(_MARK)
            params = tuple(p.name for p in signature.expressions)
            body = statement.expression
            found[name] = Macro(name, params, body, isinstance(body, exp.Query))
    return found


_MARK = "__macro_"  # macro calls are renamed so that sqlglot parses each as a plain function, never as a built-in


def mark_calls(sql: str, names: list[str] | set[str]) -> str:
    """The SQL with each call of a macro (a name followed by '(', outside strings and comments) renamed
    __macro_<name>, by sqlglot's DuckDB tokenizer: `parse_date(x)` would otherwise parse as a built-in."""
    wanted = {n.lower() for n in names}
    tokens = DUCKDB.tokenize(sql)
    edits = [
        token.start
        for token, after in pairwise(tokens)
        if token.token_type != TokenType.STRING
        and token.text.lower() in wanted
        and after.token_type == TokenType.L_PAREN
    ]
    for start in reversed(edits):
        sql = sql[:start] + _MARK + sql[start:]
    return sql


def _call_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Anonymous) and str(node.this).lower().startswith(_MARK):
        return str(node.this).lower().removeprefix(_MARK)
    return None


def _substitute(body: exp.Expression, bindings: dict[str, exp.Expression], *, table: bool) -> exp.Expression:
    """A copy of a macro body with each parameter replaced by its argument. A scalar macro's `p.field` reads a
    field of the struct argument p; a table macro's parameters are only its unqualified names."""

    def swap(node: exp.Expression) -> exp.Expression:
        if not isinstance(node, exp.Column):
            return node
        if not node.table and node.name in bindings:
            argument = bindings[node.name].copy()
            simple = isinstance(argument, exp.Column | exp.Literal | exp.Null | exp.Identifier)
            return argument if simple else exp.Paren(this=argument)
        if not table and node.table in bindings and not node.args.get("db"):
            return exp.Dot(this=exp.Paren(this=bindings[node.table].copy()), expression=node.this.copy())
        return node

    return body.copy().transform(swap)


def _uses(body: exp.Expression, param: str) -> int:
    return sum(
        1
        for c in body.find_all(exp.Column)
        if (not c.table and c.name == param) or (c.table == param and not c.args.get("db"))
    )


def _scalar_call(macro: Macro, arguments: list[exp.Expression], number: int) -> exp.Expression:
    """A scalar macro's body for one call. An argument the body reads more than once (not a plain column or value)
    is bound once, as Spark's transform(array(argument), v -> body)[0], so that nested macros do not copy their
    arguments into every use (parse_date(s) would be a hundred copies of s's cleaning); a body with an aggregate
    cannot be a lambda's, and takes its arguments as they are."""
    bindings: dict[str, exp.Expression] = {}
    let: list[tuple[exp.Identifier, exp.Expression]] = []
    has_aggregate = macro.body.find(exp.AggFunc) is not None
    for param, argument in zip(macro.params, arguments, strict=True):
        simple = isinstance(argument, exp.Column | exp.Literal | exp.Null | exp.Identifier)
        if simple or has_aggregate or _uses(macro.body, param) < 2:
            bindings[param] = argument
        else:
            variable = exp.to_identifier(f"__{macro.name}_{param}_{number}")
            bindings[param] = exp.column(variable)
            let.append((variable, argument))
    body = _substitute(macro.body, bindings, table=False)
    for variable, argument in reversed(let):
        lambda_ = exp.Lambda(this=body, expressions=[variable.copy()])
        transform = exp.Transform(this=exp.Array(expressions=[argument.copy()]), expression=lambda_)
        body = exp.Bracket(this=transform, expressions=[exp.Literal.number(0)])
    return exp.Paren(this=body)


def expand_macros(tree: exp.Expression, where: str) -> exp.Expression:
    """The tree with every macro call replaced by the macro's body (repeatedly: macros call macros)."""
    known = macros()
    number = 0
    for _ in range(50):
        calls = [node for node in tree.find_all(exp.Anonymous) if _call_name(node)]
        if not calls:
            return tree
        for call in calls:
            macro = known[_call_name(call)]
            if len(call.expressions) != len(macro.params):
                raise SparkSqlError(f"{where}: {macro.name} takes {len(macro.params)} argument(s)")
            number += 1
            if macro.is_table:
                body = _substitute(macro.body, dict(zip(macro.params, call.expressions, strict=True)), table=True)
                table = call.parent  # FROM f(...) AS alias: a Table whose `this` is the call
                alias = table.args.get("alias") or exp.TableAlias(this=exp.to_identifier(macro.name))
                table.replace(exp.Subquery(this=body, alias=alias.copy()))
            else:
                call.replace(_scalar_call(macro, list(call.expressions), number))
    raise SparkSqlError(f"{where}: its macros call each other without end")
