"""Resolve queries: FROM items, joins, window TVFs, ML_PREDICT, SELECT lists, grouping.

:class:`QueryResolver` turns a query tree into a :class:`Relation` (its
output columns with Flink types, and whether it produces updates), and
records in :class:`Facts` what the rules judge: windows and their time
columns, join kinds, unbounded aggregates, Top-N, model calls.
"""

from __future__ import annotations

from typing import Callable

from sqlglot import exp

from sqlflow.compiler.catalog import Catalog, ModelDef, TableDef, ViewDef, table_name
from sqlflow.compiler.expressions import ExprTyper, Scope, is_aggregate_call
from sqlflow.compiler.grouping import check_grouping
from sqlflow.compiler.facts import Col, Facts, JoinUse, PredictUse, Relation, SetOpUse, Unresolved, WindowUse
from sqlflow.compiler.types import ANY, FlinkType
from sqlflow.errors import Location

_WINDOW_TVFS = {"TUMBLE", "HOP", "CUMULATE", "SESSION"}
_GROUP_WINDOWS = {"TUMBLE", "HOP", "SESSION"}
_MAX_DEPTH = 200


class QueryResolver:
    """Resolves the queries of one statement against the catalog."""

    def __init__(self, catalog: Catalog, file: str, facts: Facts,
                 locate: Callable[[exp.Expression], Location],
                 view_relation: Callable[[ViewDef], Relation],
                 table_relation: Callable[[TableDef], Relation]):
        self.catalog = catalog
        self.file = file
        self.facts = facts
        self.locate = locate
        self.view_relation = view_relation
        self.table_relation = table_relation
        self.typer = ExprTyper(catalog, file, facts, locate, self._subquery)
        self.depth = 0

    # ------------------------------------------------------------------ queries

    def query(self, node: exp.Expression, ctes: dict[str, Relation] | None = None,
              outer: Scope | None = None) -> Relation:
        """The relation a query yields."""
        self.depth += 1
        try:
            if self.depth > _MAX_DEPTH:
                return Relation([])
            ctes = dict(ctes or {})
            with_ = node.args.get("with_") or node.args.get("with")
            if with_ is not None:
                for cte in with_.expressions:
                    rel = self.query(cte.this, ctes, outer)
                    ctes[cte.alias] = _renamed(rel, cte.args.get("alias"))
            if isinstance(node, exp.Subquery):
                return self.query(node.this, ctes, outer)
            if isinstance(node, exp.SetOperation):
                left = self.query(node.left, ctes, outer)
                right = self.query(node.right, ctes, outer)
                distinct = isinstance(node, exp.Union) and node.args.get("distinct", True)
                self._set_op(node, left, right)
                return Relation(left.columns, left.updating or right.updating or bool(distinct),
                                has_rowtime=left.has_rowtime or right.has_rowtime,
                                opaque=left.opaque or right.opaque)
            if isinstance(node, exp.Select):
                return self.select(node, ctes, outer)
            if isinstance(node, exp.Values):
                return Relation([Col(f"EXPR${i}", ANY) for i in range(len(node.expressions[0].expressions))]
                                if node.expressions else [])
            return Relation([])
        finally:
            self.depth -= 1

    def _set_op(self, node: exp.SetOperation, left: Relation, right: Relation) -> None:
        """Record both branches' column types and places, for the set-operation rule."""
        if left.opaque or right.opaque:
            return
        kind = {"union": "UNION", "intersect": "INTERSECT", "except": "EXCEPT"}.get(node.key, node.key.upper())
        if not node.args.get("distinct", True):
            kind += " ALL"

        def places(branch: exp.Expression, rel: Relation) -> tuple[Location, ...]:
            sel = _first_select(branch)
            items = sel.expressions if sel is not None else []
            if len(items) != len(rel.columns) or any(isinstance(i, exp.Star) for i in items):
                return tuple(self.locate(branch) for _ in rel.columns)
            return tuple(self.locate(i.this if isinstance(i, exp.Alias) else i) for i in items)

        self.facts.set_ops.append(SetOpUse(
            kind, tuple(c.type for c in left.columns), tuple(c.type for c in right.columns),
            places(node.left, left), places(node.right, right), self.locate(node.right)))

    def _subquery(self, node: exp.Expression, scope: Scope) -> Relation:
        return self.query(node, None, scope)

    def select(self, sel: exp.Select, ctes: dict[str, Relation], outer: Scope | None) -> Relation:
        scope = Scope(parent=outer)
        from_ = sel.args.get("from_") or sel.args.get("from")
        if from_ is not None:
            scope.items.append(self.from_item(from_.this, ctes, scope))
        where = sel.args.get("where")
        for join in sel.args.get("joins") or []:
            self.join(join, ctes, scope, where.this if where is not None else None)
        inputs = [rel for _, rel in scope.items]
        updating = any(r.updating for r in inputs)
        has_rowtime = any(r.has_rowtime for r in inputs)

        columns, rank = self.projections(sel, scope)
        scope.aliases = {c.name: c.type for c in columns}
        if where is not None:
            self.typer.typeof(where.this, scope)
            updating = self._topn(where.this, scope) or updating
        group = sel.args.get("group")
        for key in (group.expressions if group is not None else []):
            self.typer.typeof(key, scope)
        for part in ("having", "qualify"):
            if sel.args.get(part) is not None:
                self.typer.typeof(sel.args[part].this, scope)
        order = sel.args.get("order")
        keys = [(o, self.typer.typeof(o.this if isinstance(o, exp.Ordered) else o, scope))
                for o in (order.expressions if order is not None else [])]
        if keys and sel.args.get("limit") is None:
            self._streaming_sort(keys, sel)

        self.facts.unresolved.extend(check_grouping(
            sel, scope, lambda n: is_aggregate_call(n, self.catalog, self.file), self.locate))
        aggregated = group is not None or any(
            is_aggregate_call(n, self.catalog, self.file) for p in sel.expressions
            for n in p.walk() if isinstance(n, exp.Func))
        windowed = False
        if aggregated or sel.args.get("distinct"):
            windowed = self._windowed_grouping(group, scope)
            if not windowed:
                updating = True
                self.facts.unbounded_aggregates.append(self.locate(group or sel))
            columns = [Col(c.name, c.type if (windowed and c.name == "window_time") else c.type.plain())
                       for c in columns]
        out = Relation(columns, updating, windowed=windowed or (not aggregated and any(
            r.windowed for r in inputs)), has_rowtime=has_rowtime,
            opaque=any(r.opaque for r in inputs) and any(isinstance(p, exp.Star) for p in sel.expressions))
        if rank is not None:
            out.rank_column, out.rank_append = rank
        return out

    def _streaming_sort(self, keys: list, sel: exp.Select) -> None:
        """Record an ORDER BY without LIMIT that a streaming job cannot run: Flink sorts a
        stream only on a time attribute, ascending, first (checked by the rule where the
        job is streaming)."""
        first, ftype = keys[0]
        node = first.this if isinstance(first, exp.Ordered) else first
        name = node.sql(dialect="flink")
        if sel.args.get("offset") is not None:
            self.facts.sorts.append(("OFFSET without FETCH or LIMIT", self.locate(sel.args["offset"])))
        elif ftype.time_attr is None and ftype.root != "ANY":  # ANY: unresolved, reported elsewhere
            self.facts.sorts.append((f"sorted on {name}, which is not a time attribute", self.locate(node)))
        elif isinstance(first, exp.Ordered) and first.args.get("desc"):
            self.facts.sorts.append((f"sorted on the time attribute {name} descending", self.locate(first)))

    def projections(self, sel: exp.Select, scope: Scope) -> tuple[list[Col], tuple[str, bool] | None]:
        """The output columns of a SELECT list (stars expanded), and any ROW_NUMBER column."""
        columns: list[Col] = []
        rank = None
        for i, p in enumerate(sel.expressions):
            if isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star)):
                columns.extend(self._star(p, scope))
                continue
            t = self.typer.typeof(p, scope)
            if isinstance(p, exp.Alias) and p.meta.get("implicit_alias"):
                self._lost_comma(p, scope)
            name = p.alias_or_name if (isinstance(p, (exp.Alias, exp.Column, exp.Dot))) else f"EXPR${i}"
            columns.append(Col(name, t))
            inner = p.this if isinstance(p, exp.Alias) else p
            if isinstance(inner, exp.Window) and isinstance(inner.this, exp.RowNumber):
                rank = (name, self._rank_append(inner, scope))
        return columns, rank

    def _lost_comma(self, item: exp.Alias, scope: Scope) -> None:
        """``a b``: record it when ``b`` is a column of the input too, or written on a line of its own."""
        alias = item.alias
        where, named = self.locate(item.this), self.locate(item.args["alias"])
        known = any(c.name == alias for _, rel in scope.items for c in rel.columns) or \
            alias in ("window_start", "window_end", "window_time")
        if known or (where.line and named.line and named.line > where.line):
            self.facts.lost_commas.append((item.this, alias, where))

    def _star(self, p: exp.Expression, scope: Scope) -> list[Col]:
        qualifier = p.table if isinstance(p, exp.Column) else ""
        if qualifier:
            rel = scope.relation(qualifier)
            if rel is None:
                self.facts.unresolved.append(Unresolved(
                    "table", qualifier, self.locate(p), tuple(a for a, _ in scope.items)))
                return []
            return list(rel.columns)
        return [c for _, rel in scope.items for c in rel.columns]

    def _rank_append(self, w: exp.Window, scope: Scope) -> bool:
        """A ROW_NUMBER that Flink runs without updates: window Top-N, proctime first-row dedup."""
        parts = {p.name for p in w.args.get("partition_by") or [] if isinstance(p, exp.Column)}
        if {"window_start", "window_end"} <= parts:
            return True
        order = w.args.get("order")
        keys = order.expressions if order is not None else []
        if len(keys) == 1 and isinstance(keys[0], exp.Ordered) and not keys[0].args.get("desc"):
            key = keys[0].this
            if isinstance(key, exp.Column):
                col = scope.lookup(key.name)
                return bool(col and col.type.time_attr == "proctime")
        return False

    def _topn(self, cond: exp.Expression, scope: Scope) -> bool:
        """Whether a WHERE filters a ROW_NUMBER column into an updating Top-N."""
        for _, rel in scope.items:
            if rel.rank_column and any(
                    isinstance(c, exp.Column) and c.name == rel.rank_column for c in cond.walk()):
                if not rel.rank_append:
                    self.facts.topn.append(self.locate(cond))
                    return True
        return False

    def _windowed_grouping(self, group: exp.Group | None, scope: Scope) -> bool:
        if group is None:
            return False
        keys = group.expressions
        names = {k.name for k in keys if isinstance(k, exp.Column)}
        if {"window_start", "window_end"} <= names and any(r.windowed for _, r in scope.items):
            return True
        for k in keys:
            if isinstance(k, exp.Anonymous) and str(k.this).upper() in _GROUP_WINDOWS:
                self._group_window(k, scope)
                return True
        return False

    def _group_window(self, call: exp.Anonymous, scope: Scope) -> None:
        if call.expressions and isinstance(call.expressions[0], exp.Column):
            c = call.expressions[0]
            col = scope.lookup(c.name)
            if col is not None:
                self.facts.windows.append(WindowUse(
                    str(call.this).upper(), c.name, col.type, self.locate(c),
                    _rowtime_in([r for _, r in scope.items])))

    # --------------------------------------------------------------- FROM items

    def from_item(self, node: exp.Expression, ctes: dict[str, Relation],
                  scope: Scope) -> tuple[str, Relation]:
        """One FROM item (table, view, CTE, subquery, TVF, UNNEST, ML_PREDICT) and its alias."""
        alias = node.alias if hasattr(node, "alias") else ""
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Anonymous):
            return alias or str(node.this.this), self.table_function(node.this, ctes, scope, node)
        if isinstance(node, exp.Table):
            return alias or node.name, self.named(node, ctes)
        if isinstance(node, exp.TableFromRows) or type(node).__name__ == "TableFromRows":
            fn = node.this
            return alias or "", self.table_function(fn, ctes, scope, node)
        if isinstance(node, exp.Subquery):
            rel = self.query(node.this, ctes, scope.parent)
            return alias, _renamed(rel, node.args.get("alias"))
        if isinstance(node, exp.Unnest):
            types = []
            for e in node.expressions:
                t = self.typer.typeof(e, scope)
                if t.root == "ARRAY" and t.args:
                    inner = t.args[0]
                    types.extend([ft for _, ft in inner.fields] if inner.root == "ROW" else [inner])
                elif t.root == "MAP" and len(t.args) == 2:
                    types.extend(t.args)
                else:
                    types.append(ANY)
            rel = Relation([Col(f"EXPR${i}", t) for i, t in enumerate(types)])
            return alias, _renamed(rel, node.args.get("alias"))
        if isinstance(node, exp.Lateral):
            inner = node.this
            if isinstance(inner, exp.Anonymous) and str(inner.this).upper() == "TABLE" and inner.expressions:
                inner = inner.expressions[0]
            self.typer.typeof(inner, scope)
            names = node.args.get("alias")
            cols = [Col(c.name, ANY) for c in (names.columns if names is not None else [])]
            return alias, Relation(cols)
        if isinstance(node, exp.Query):
            return alias, self.query(node, ctes, scope.parent)
        return alias, Relation([])

    def named(self, node: exp.Table, ctes: dict[str, Relation]) -> Relation:
        """A table, view or CTE referenced by name."""
        name = table_name(node)
        if name in ctes:
            return ctes[name]
        d = self.catalog.relation(name, self.file)
        if d is None and self.catalog.is_broken("relation", name):
            return Relation([], opaque=True)  # its CREATE has a syntax error, reported already
        if d is None:
            candidates = list(ctes) + list(self.catalog.relations)
            self.facts.unresolved.append(Unresolved("table", name, self.locate(node), tuple(candidates)))
            return Relation([], opaque=True)
        self.facts.reads.append((d, self.locate(node)))
        if isinstance(d, ViewDef):
            return self.view_relation(d)
        return self.table_relation(d)

    def table_function(self, fn: exp.Expression, ctes: dict[str, Relation], scope: Scope,
                       where: exp.Expression) -> Relation:
        """A window TVF or ML_PREDICT call in FROM."""
        name = str(fn.this).upper() if isinstance(fn, exp.Anonymous) else ""
        args = [a.expression if isinstance(a, exp.Kwarg) else a for a in fn.expressions] \
            if isinstance(fn, exp.Anonymous) else []
        table_arg = next((a for a in args if type(a).__name__ == "TableArgument"), None)
        source = Relation([])
        if table_arg is not None:
            inner = table_arg.this
            source = (self.query(inner.this if isinstance(inner, exp.Subquery) else inner, ctes, scope.parent)
                      if isinstance(inner, (exp.Query, exp.Subquery)) else self.named(inner, ctes))
            for k in table_arg.args.get("partition_by") or []:
                self.typer.typeof(k, Scope([("", source)]))
        descriptor = next((a for a in args if type(a).__name__ == "Descriptor"), None)
        described = self._descriptor(descriptor, source) if descriptor is not None else []
        if name in _WINDOW_TVFS:
            return self._window_tvf(name, source, described)
        if name == "ML_PREDICT":
            return self._ml_predict(args, source, described, where)
        if name:
            self.facts.unresolved.append(Unresolved(
                "function", str(fn.this), self.locate(fn), tuple(sorted(_WINDOW_TVFS | {"ML_PREDICT"}))))
        return Relation([], opaque=True)  # its columns are unknown, not missing: only the call is reported

    def _descriptor(self, d: exp.Expression, source: Relation) -> list[tuple[str, FlinkType, Location]]:
        out = []
        for c in d.expressions:
            col = source.find(c.name)
            if col is None:
                self.facts.unresolved.append(Unresolved(
                    "column", c.name, self.locate(c), tuple(x.name for x in source.columns)))
                out.append((c.name, ANY, self.locate(c)))
            else:
                out.append((c.name, col.type, self.locate(c)))
        return out

    def _window_tvf(self, name: str, source: Relation,
                    described: list[tuple[str, FlinkType, Location]]) -> Relation:
        ts_type = FlinkType("TIMESTAMP", (3,))
        time_attr = None
        if described:
            col, ctype, loc = described[0]
            self.facts.windows.append(WindowUse(name, col, ctype, loc, _rowtime_in([source])))
            if ctype.root == "TIMESTAMP_LTZ":
                ts_type = FlinkType("TIMESTAMP_LTZ", (3,))
            time_attr = ctype.time_attr
        cols = [Col(c.name, c.type.plain()) for c in source.columns]
        cols += [Col("window_start", ts_type), Col("window_end", ts_type),
                 Col("window_time", FlinkType(ts_type.root, (3,), time_attr=time_attr or "rowtime"))]
        return Relation(cols, source.updating, windowed=True, has_rowtime=source.has_rowtime, opaque=source.opaque)

    def _ml_predict(self, args: list[exp.Expression], source: Relation,
                    described: list[tuple[str, FlinkType, Location]], where: exp.Expression) -> Relation:
        model_arg = next((a for a in args if type(a).__name__ == "ModelArgument"), None)
        model: ModelDef | None = None
        if model_arg is not None:
            mname = table_name(model_arg.this)
            model = self.catalog.model(mname, self.file)
            if model is None and not self.catalog.is_broken("model", mname):
                self.facts.unresolved.append(Unresolved(
                    "model", mname, self.locate(model_arg.this), tuple(self.catalog.models)))
        if model is None:
            return Relation(list(source.columns), source.updating, has_rowtime=source.has_rowtime, opaque=True)
        self.facts.predicts.append(PredictUse(model, tuple(described), self.locate(model_arg.this)))
        cols = list(source.columns) + [Col(c.name, c.type) for c in model.outputs]
        return Relation(cols, source.updating, source.windowed, has_rowtime=source.has_rowtime, opaque=source.opaque)

    # -------------------------------------------------------------------- joins

    def join(self, join: exp.Join, ctes: dict[str, Relation], scope: Scope,
             where: exp.Expression | None = None) -> None:
        """Add a joined item to ``scope`` and classify the join for the rules.

        A comma join (``FROM a, b WHERE ...``) is classified by the WHERE
        condition, as Flink's documented interval join is written that way.
        """
        right_node = join.this
        alias, right = self.from_item(right_node, ctes, scope)
        loc = self.locate(right_node)
        outer = (join.side or "").upper() in ("LEFT", "RIGHT", "FULL")
        left_items = list(scope.items)
        scope.items.append((alias, right))
        on = join.args.get("on")
        if on is not None:
            self.typer.typeof(on, scope)
        for u in join.args.get("using") or []:
            scope.shared.add(u.name)
            self.typer.typeof(exp.column(u.name) if isinstance(u, exp.Identifier) else u, scope)
        if str(join.args.get("method") or "").upper() == "NATURAL":
            left_names = {c.name for _, r in left_items for c in r.columns}
            scope.shared.update(c.name for c in right.columns if c.name in left_names)
        if isinstance(right_node, (exp.Unnest, exp.Lateral)) or (
                isinstance(right_node, exp.Table) and isinstance(right_node.this, exp.Anonymous)):
            kind = "lateral"
        elif isinstance(right_node, exp.Table) and right_node.args.get("version") is not None:
            version = right_node.args["version"]
            key = version.args.get("expression")
            t = self.typer.typeof(key, scope) if key is not None else ANY
            kind = "lookup" if t.time_attr == "proctime" else "temporal"
        elif (join.kind or "").upper() == "CROSS" and on is None:
            kind = "regular"
        else:
            comma = on is None and not join.args.get("using") and not join.kind and not join.side
            kind, times = self._join_kind(where if comma else on, left_items, alias, right, scope)
            self.facts.joins.append(JoinUse(kind, outer, loc, times))
            self._join_effect(kind, outer, scope)
            return
        self.facts.joins.append(JoinUse(kind, outer, loc))
        self._join_effect(kind, outer, scope)

    def _join_effect(self, kind: str, outer: bool, scope: Scope) -> None:
        if kind in ("temporal", "lookup"):  # a versioned table's changes do not reach the output
            a, r = scope.items[-1]
            scope.items[-1] = (a, Relation(r.columns, False, r.windowed, has_rowtime=r.has_rowtime, opaque=r.opaque))
        elif kind == "regular":
            updating = outer or any(r.updating for _, r in scope.items)
            scope.items[:] = [(a, Relation([Col(c.name, c.type.plain()) for c in r.columns],
                                           updating, has_rowtime=r.has_rowtime, opaque=r.opaque))
                              for a, r in scope.items]

    def _join_kind(self, on: exp.Expression | None, left_items: list[tuple[str, Relation]],
                   right_alias: str, right: Relation, scope: Scope
                   ) -> tuple[str, tuple[tuple[str, FlinkType], ...]]:
        """regular, window (equal window bounds) or interval (time bounds across the sides)."""
        if on is None:
            return "regular", ()
        eqs = {(c.name) for e in on.find_all(exp.EQ) for c in e.find_all(exp.Column)}
        if {"window_start", "window_end"} <= eqs and right.windowed and any(r.windowed for _, r in left_items):
            return "window", ()
        times: list[tuple[str, FlinkType]] = []
        ranged = False
        for cmp in on.find_all(exp.Between, exp.GT, exp.GTE, exp.LT, exp.LTE):
            sides = set()
            for c in cmp.find_all(exp.Column):
                t = self._column_side(c, left_items, right_alias, right)
                if t is not None and t[1].root in ("TIMESTAMP", "TIMESTAMP_LTZ"):
                    sides.add(t[0])
                    times.append((c.sql(), t[1]))
            if sides == {"left", "right"}:
                ranged = True
        if ranged:
            return "interval", tuple(dict.fromkeys(times))
        return "regular", ()

    @staticmethod
    def _column_side(c: exp.Column, left_items: list[tuple[str, Relation]], right_alias: str,
                     right: Relation) -> tuple[str, FlinkType] | None:
        if c.table:
            if c.table == right_alias:
                col = right.find(c.name)
                return ("right", col.type) if col else None
            for a, r in left_items:
                if a == c.table and r.find(c.name):
                    return "left", r.find(c.name).type  # type: ignore[union-attr]
            return None
        col = right.find(c.name)
        if col is not None:
            return "right", col.type
        for _, r in left_items:
            col = r.find(c.name)
            if col is not None:
                return "left", col.type
        return None


def _rowtime_in(rels: list[Relation]) -> str | None:
    for r in rels:
        for c in r.columns:
            if c.type.time_attr == "rowtime":
                return c.name
    return None


def _renamed(rel: Relation, alias: exp.Expression | None) -> Relation:
    """Apply ``AS t(a, b)`` column names to a relation."""
    names = [c.name for c in alias.columns] if isinstance(alias, exp.TableAlias) and alias.columns else []
    if not names:
        return rel
    cols = [Col(names[i] if i < len(names) else c.name, c.type) for i, c in enumerate(rel.columns)]
    return Relation(cols, rel.updating, rel.windowed, rel.rank_column, rel.rank_append, rel.has_rowtime, rel.opaque)


def _first_select(query: exp.Expression) -> exp.Select | None:
    """The first SELECT of a query (the left-most branch of a set operation)."""
    while isinstance(query, (exp.Subquery, exp.SetOperation)):
        query = query.this if isinstance(query, exp.Subquery) else query.left
    return query if isinstance(query, exp.Select) else None
