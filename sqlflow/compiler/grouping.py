"""What a grouped SELECT may show: grouped expressions, aggregates, and constants.

Flink (Calcite) rejects a SELECT of an aggregate query that shows a column
neither in GROUP BY nor inside an aggregate, and an aggregate call in WHERE.
These checks are lenient where Flink's own rules are subtle: a SELECT alias
named in GROUP BY, window_time next to grouped window bounds, the auxiliary
group-window functions (TUMBLE_START ...) and anything inside OVER or a
subquery pass.
"""

from __future__ import annotations

from typing import Callable, Iterator

from sqlglot import exp

from sqlflow.compiler.expressions import Scope, function_name
from sqlflow.compiler.facts import Unresolved
from sqlflow.errors import Location

#: Group-window functions and their auxiliaries: they read the time column themselves.
_WINDOW_CALLS = frozenset(f"{w}{s}" for w in ("TUMBLE", "HOP", "SESSION", "CUMULATE")
                          for s in ("", "_START", "_END", "_ROWTIME", "_PROCTIME"))


def check_grouping(sel: exp.Select, scope: Scope, is_aggregate: Callable[[exp.Expression], bool],
                   locate: Callable[[exp.Expression], Location]) -> list[Unresolved]:
    """Columns a grouped SELECT shows without grouping them, and aggregates in WHERE."""
    out: list[Unresolved] = []
    where = sel.args.get("where")
    if where is not None:
        for node in _outside_subqueries(where.this):
            if isinstance(node, exp.Func) and is_aggregate(node):
                text = node.sql(dialect="flink")
                name = text if len(text) <= 40 else f"{function_name(node)}(...)"
                out.append(Unresolved("misplaced-aggregate", name, locate(node), (),
                                      hint="move this condition to HAVING, after GROUP BY"))
    group = sel.args.get("group")
    aggregated = group is not None or any(
        isinstance(n, exp.Func) and is_aggregate(n) for p in sel.expressions for n in _outside_subqueries(p))
    if not aggregated or sel.args.get("distinct") is not None and group is None:
        return out
    keys = _keys(group)
    key_sql = {k.sql(dialect="flink") for k in keys}
    key_names = {k.name for k in keys if isinstance(k, exp.Column)}
    if {"window_start", "window_end"} <= key_names:
        key_names.add("window_time")
    local = {c.name for _, rel in scope.items for c in rel.columns}
    if any(rel.opaque for _, rel in scope.items):
        return out
    for p in sel.expressions:
        if isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star)):
            continue
        if isinstance(p, exp.Alias) and p.alias in key_names:
            continue  # GROUP BY the alias
        for col in _ungrouped(p.this if isinstance(p, exp.Alias) else p, key_sql, key_names, is_aggregate):
            if col.name in local:
                name = col.sql(dialect="flink")
                out.append(Unresolved("ungrouped", name, locate(col), tuple(sorted(key_names)),
                                      hint=f"add {name} to GROUP BY, or aggregate it (e.g. MAX({name}))"))
    return out


def _keys(group: exp.Group | None) -> list[exp.Expression]:
    if group is None:
        return []
    out: list[exp.Expression] = []
    for k in group.walk():
        if k is group or isinstance(k, (exp.Rollup, exp.Cube, exp.GroupingSets, exp.Tuple, exp.Identifier)):
            continue
        out.append(k)
    return out


def _outside_subqueries(node: exp.Expression) -> Iterator[exp.Expression]:
    """The nodes of ``node``, not descending into subqueries or OVER windows."""
    yield node
    if isinstance(node, (exp.Subquery, exp.Query, exp.Window)):
        return
    for child in node.iter_expressions():
        yield from _outside_subqueries(child)


def _ungrouped(node: exp.Expression, key_sql: set[str], key_names: set[str],
               is_aggregate: Callable[[exp.Expression], bool]) -> Iterator[exp.Column]:
    if node.sql(dialect="flink") in key_sql:  # Flink-only nodes (JSON_VALUE ...) have no default SQL
        return
    if isinstance(node, (exp.Subquery, exp.Query, exp.Window)):
        return
    if isinstance(node, exp.Func) and (is_aggregate(node) or function_name(node).upper() in _WINDOW_CALLS):
        return
    if isinstance(node, exp.Column):
        if not isinstance(node.this, exp.Star) and node.name not in key_names:
            yield node
        return
    for child in node.iter_expressions():
        yield from _ungrouped(child, key_sql, key_names, is_aggregate)
