"""The build's SQL models, written once in DuckDB's dialect, as Spark SQL (sqlglot; no Spark needed to transpile).

Two steps, both on sqlglot's syntax tree, never on a second hand-written copy of a model:

1. The macros of models/macros.sql and models/measures.sql are expanded where a model calls them (`macros`).
2. sqlglot writes the tree as Spark SQL, after the rewrites in REWRITES for the DuckDB constructs the models use
   that sqlglot does not translate (or translates for another engine's semantics). A construct with no Spark
   counterpart is a SparkSqlError naming the model, never SQL that silently means something else.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

from loti_demand.warehouse.order import Sql, models
from loti_demand.warehouse.spark.macros import DUCKDB, SparkSqlError, expand_macros, macros, mark_calls

SPARK = "spark"


def _function(node: exp.Expression, name: str) -> bool:
    return isinstance(node, exp.Anonymous) and str(node.this).lower() == name


def _regexp_extract_names(node: exp.Expression) -> exp.Expression:
    """regexp_extract(s, pattern, ['a', 'b']) (DuckDB: a struct of the named groups, '' when there is no match) ->
    named_struct('a', regexp_extract(s, pattern, 1), 'b', regexp_extract(s, pattern, 2)); Spark's regexp_extract
    also gives '' when the pattern does not match."""
    if isinstance(node, exp.RegexpExtract) and isinstance(node.args.get("group"), exp.Array):
        names = node.args["group"].expressions
        parts: list[exp.Expression] = []
        for number, name in enumerate(names, start=1):
            one = exp.RegexpExtract(
                this=node.this.copy(), expression=node.expression.copy(), group=exp.Literal.number(number)
            )
            parts += [name.copy(), one]
        return exp.Anonymous(this="named_struct", expressions=parts)
    return node


def _full_match(node: exp.Expression) -> exp.Expression:
    """regexp_full_match(s, p) -> s RLIKE '^(?:p)\\z' (Spark's RLIKE finds the pattern anywhere; \\z, not $, which
    Java lets match before a final newline)."""
    if isinstance(node, exp.RegexpFullMatch):
        text, pattern = node.this, node.expression
        if not isinstance(pattern, exp.Literal):
            raise SparkSqlError("regexp_full_match with a pattern that is not a literal")
        return exp.RegexpLike(this=text.copy(), expression=exp.Literal.string(f"^(?:{pattern.this})\\z"))
    return node


_PARSE_FORMAT = {"%d": "d", "%m": "M", "%Y": "yyyy", "%y": "yy", "%b": "MMM", "%B": "MMMM", "%H": "H", "%M": "m"}


def _java_format(strftime: str) -> str:
    """A DuckDB strptime format as a Spark parse pattern; %d and %m read one or two digits in both engines."""
    out, rest = [], strftime
    while rest:
        if rest[:2] in _PARSE_FORMAT:
            out.append(_PARSE_FORMAT[rest[:2]])
            rest = rest[2:]
        elif rest[0] == "%":
            raise SparkSqlError(f"strptime format {strftime!r}: {rest[:2]} has no Spark pattern here")
        else:
            out.append(f"'{rest[0]}'" if rest[0].isalpha() else rest[0])
            rest = rest[1:]
    return "".join(out)


def _try_strptime(node: exp.Expression) -> exp.Expression:
    """try_strptime(t, ['%d/%m/%Y', ...]) -> coalesce(try_to_timestamp(t, 'd/M/yyyy'), ...): the first format that
    reads the text, as in DuckDB."""
    if _function(node, "try_strptime"):
        text, formats = node.expressions
        listed = formats.expressions if isinstance(formats, exp.Array) else [formats]
        tries = [
            exp.Anonymous(this="try_to_timestamp", expressions=[text.copy(), exp.Literal.string(_java_format(f.this))])
            for f in listed
        ]
        return tries[0] if len(tries) == 1 else exp.Coalesce(this=tries[0], expressions=tries[1:])
    return node


def _regexp_replace(node: exp.Expression) -> exp.Expression:
    """regexp_replace: DuckDB replaces the first match unless given 'g', Spark every match; a pattern anchored
    at the start or the end has one match either way. DuckDB's \\1 in the replacement is Java's $1."""
    if not (isinstance(node, exp.RegexpReplace) and node.args.get("single_replace")):
        return node  # not DuckDB's, or already rewritten
    modifiers = node.args.get("modifiers")
    pattern = node.expression
    if "g" not in (modifiers.this if isinstance(modifiers, exp.Literal) else ""):
        anchored = isinstance(pattern, exp.Literal) and (
            pattern.this.startswith("^") or re.search(r"(?<!\\)\$$", pattern.this) is not None
        )
        if not anchored:
            raise SparkSqlError("regexp_replace without 'g' (first match only) of a pattern not anchored at ^ or $")
    replacement = node.args.get("replacement")
    if isinstance(replacement, exp.Literal):
        text = replacement.this.replace("$", "\\$")
        replacement = exp.Literal.string(re.sub(r"\\(\d)", r"$\1", text))
    return exp.RegexpReplace(this=node.this.copy(), expression=pattern.copy(), replacement=replacement)


def _range(node: exp.Expression) -> exp.Expression:
    """range(n) -> 0 .. n-1, empty for n <= 0 (Spark's sequence(0, -1) would count down)."""
    if isinstance(node, exp.GenerateSeries) and node.args.get("is_end_exclusive"):
        start, end = node.args.get("start"), node.args.get("end")
        last = exp.Sub(this=end.copy(), expression=exp.Literal.number(1))
        sequence = exp.Anonymous(this="sequence", expressions=[start.copy(), last])
        return exp.If(this=exp.GT(this=end.copy(), expression=start.copy()), true=sequence, false=exp.Array())
    return node


def _array_length(node: exp.Expression) -> exp.Expression:
    """len(list): DuckDB's len is a list's length too; Spark's length is a string's alone."""
    if isinstance(node, exp.Length) and isinstance(node.this, exp.Split | exp.Array):
        return exp.ArraySize(this=node.this.copy())
    return node


def _to_months(node: exp.Expression) -> exp.Expression:
    if _function(node, "to_months"):
        return exp.Anonymous(this="make_ym_interval", expressions=[exp.Literal.number(0), node.expressions[0].copy()])
    return node


def _top_n(node: exp.Expression) -> exp.Expression:
    """max(x, n) (DuckDB: the n largest, largest first) -> slice(sort_array(collect_list(x), false), 1, n)."""
    if isinstance(node, exp.Max) and node.args.get("count"):
        listed = exp.Anonymous(
            this="sort_array",
            expressions=[exp.Anonymous(this="collect_list", expressions=[node.this.copy()]), exp.false()],
        )
        return exp.Anonymous(this="slice", expressions=[listed, exp.Literal.number(1), node.args["count"].copy()])
    return node


def _list_sum(node: exp.Expression) -> exp.Expression:
    """list_sum(l) -> aggregate(l, 0D, (a, x) -> a + x) (NULL for an empty list, as in DuckDB)."""
    if _function(node, "list_sum"):
        listed = node.expressions[0].copy()
        total = sqlglot.parse_one("aggregate(__l, cast(0 as double), (a, x) -> a + x)", read=SPARK)
        total = total.transform(lambda n: listed.copy() if isinstance(n, exp.Column) and n.name == "__l" else n)
        return exp.If(
            this=exp.GT(this=exp.ArraySize(this=listed), expression=exp.Literal.number(0)), true=total, false=exp.Null()
        )
    return node


def _json_valid(node: exp.Expression) -> exp.Expression:
    if _function(node, "json_valid"):
        return exp.Not(
            this=exp.Is(
                this=exp.Anonymous(
                    this="get_json_object", expressions=[node.expressions[0].copy(), exp.Literal.string("$")]
                ),
                expression=exp.Null(),
            )
        )
    return node


def _unsigned(node: exp.Expression) -> exp.Expression:
    """UBIGINT -> BIGINT: Spark has no unsigned integers. The models' one use is a bit mask of the 33 boroughs,
    which BIGINT holds with the same bits (bit_or and bit_count agree)."""
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.UBIGINT:
        return exp.DataType.build("BIGINT")
    return node


def _instant(node: exp.Expression) -> exp.Expression:
    """TIMESTAMPTZ -> TIMESTAMP_LTZ: the build's Spark session makes TIMESTAMP mean a time without zone, which
    ignores a text's offset, where DuckDB's TIMESTAMPTZ applies it (int_notices.sql orders releases by instant)."""
    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.TIMESTAMPTZ:
        return exp.DataType.build("TIMESTAMPLTZ")
    return node


def _contains_in_null(node: exp.Expression) -> exp.Expression:
    """list_contains(NULL, x) -> NULL as a boolean (a table macro given NULL for a list, meaning all): Spark will
    not type a bare NULL as a list."""
    if isinstance(node, exp.ArrayContains) and isinstance(node.this.unnest(), exp.Null):
        return exp.cast(exp.Null(), "BOOLEAN")
    return node


REWRITES: tuple[Callable[[exp.Expression], exp.Expression], ...] = (
    _regexp_extract_names,
    _full_match,
    _try_strptime,
    _regexp_replace,
    _range,
    _array_length,
    _to_months,
    _top_n,
    _list_sum,
    _json_valid,
    _unsigned,
    _instant,
    _contains_in_null,
)


def _generated_array(node: exp.Expression) -> exp.Expression | None:
    """The list a set-returning call in a select list unnests: unnest(list), or generate_subscripts(list, 1)."""
    if isinstance(node, exp.Explode) and not isinstance(node.parent, exp.Lateral):
        return node.this
    if isinstance(node, exp.Unnest) and len(node.expressions) == 1:
        return node.expressions[0]
    if _function(node, "generate_subscripts"):  # (list, 1): the list's positions
        size = exp.Anonymous(this="size", expressions=[node.expressions[0].copy()])
        return exp.Anonymous(this="sequence", expressions=[exp.Literal.number(1), size])
    return None


def _lateral_unnests(tree: exp.Expression) -> exp.Expression:
    """The unnest() calls of a select list with a FROM (DuckDB zips several, and lets them sit inside an
    expression such as a cast) -> one LATERAL VIEW inline(arrays_zip(...)) whose columns replace the calls: Spark
    takes one generator per select list, and none inside an expression. Rows are unnested after the FROM and WHERE
    (DuckDB unnests after WHERE too; WHERE cannot read the unnested values), so the rows are the same."""
    for number, select in enumerate(list(tree.find_all(exp.Select))):
        if not select.args.get("from_"):
            continue
        calls = [
            node
            for item in select.expressions
            for node in item.walk()
            if _generated_array(node) is not None and node.find_ancestor(exp.Select) is select
        ]
        if not calls:
            continue
        view = exp.to_identifier(f"__unnested_{number}")
        names = [exp.to_identifier(f"__value_{i}") for i in range(len(calls))]
        arrays = [_generated_array(call).copy() for call in calls]
        for call, name in zip(calls, names, strict=True):
            call.replace(exp.column(name.copy(), table=view.copy()))
        select.append(
            "laterals",
            exp.Lateral(
                this=exp.Inline(this=exp.ArraysZip(expressions=arrays)),
                view=True,
                outer=False,
                alias=exp.TableAlias(this=view, columns=names),
            ),
        )
    return tree


def _model_columns(table: str) -> list[str]:
    """The columns of the table a SQL model makes, from its final select list (no Spark, no data needed)."""
    for model in models():
        if isinstance(model, Sql) and model.name == table:
            tree = sqlglot.parse_one(mark_calls(model.queries()[0], set(macros())), read=DUCKDB)
            if isinstance(tree, exp.Select) and not tree.is_star:
                return list(tree.named_selects)
    raise SparkSqlError(f"union by name reads `select *` of {table}, whose columns are not listed in its model")


def _inline_windows(tree: exp.Expression) -> exp.Expression:
    """OVER (w ORDER BY ...) over a named WINDOW w AS (...) -> the window written out where it is used: Spark
    takes only a bare OVER w."""
    for select in list(tree.find_all(exp.Select)):
        named = {w.name: w for w in select.args.get("windows") or []}
        if not named:
            continue
        for window in select.find_all(exp.Window):
            base = named.get(window.alias) if isinstance(window.args.get("alias"), exp.Identifier) else None
            if base is None or window.find_ancestor(exp.Select) is not select:
                continue
            for part in ("partition_by", "order", "spec"):
                if not window.args.get(part) and base.args.get(part):
                    copied = base.args[part]
                    window.set(part, [p.copy() for p in copied] if isinstance(copied, list) else copied.copy())
            window.set("alias", None)
        select.set("windows", None)
    return tree


def _union_by_name(tree: exp.Expression) -> exp.Expression:
    """a UNION ALL BY NAME b (not Spark SQL) -> a UNION ALL b, each branch selecting every name of the union, in
    the order they first appear, NULL where it has none (as DuckDB fills them); `select * from t` takes t's
    columns from its model."""

    def branches(node: exp.Expression) -> list[exp.Expression]:
        if isinstance(node, exp.Union) and node.args.get("by_name"):
            return branches(node.this) + branches(node.expression)
        return [node]

    for union in list(tree.find_all(exp.Union)):
        if not union.args.get("by_name") or (isinstance(union.parent, exp.Union) and union.parent.args.get("by_name")):
            continue
        parts = branches(union)
        if not all(isinstance(p, exp.Select) for p in parts):
            raise SparkSqlError("union by name of something other than plain selects")
        items: list[dict[str, exp.Expression]] = []
        for part in parts:
            if part.is_star:
                source = part.args["from_"].this
                items.append({name: exp.column(name) for name in _model_columns(source.name)})
            else:
                items.append({item.alias_or_name: item for item in part.expressions})
        names = list(dict.fromkeys(name for found in items for name in found))
        chain: exp.Expression | None = None
        for branch, found in zip(parts, items, strict=True):
            part = branch.copy()
            part.set(
                "expressions", [exp.alias_(found[n].unalias().copy() if n in found else exp.Null(), n) for n in names]
            )
            chain = part if chain is None else exp.union(chain, part, distinct=bool(union.args.get("distinct")))
        union.replace(chain)
    return tree


def to_spark(sql: str, where: str) -> str:
    """One model's DuckDB SQL as Spark SQL, its macros expanded. `where` names the model in errors."""
    try:
        tree = sqlglot.parse_one(mark_calls(sql, set(macros())), read=DUCKDB)
        tree = _inline_windows(_union_by_name(_lateral_unnests(expand_macros(tree, where))))
        for rewrite in REWRITES:
            tree = tree.transform(rewrite)
        return tree.sql(dialect=SPARK, unsupported_level=ErrorLevel.RAISE, pretty=True)
    except SparkSqlError as exc:
        raise SparkSqlError(f"{where}: {exc}") from exc
    except SqlglotError as exc:
        raise SparkSqlError(f"{where}: cannot be written as Spark SQL: {exc}") from exc
