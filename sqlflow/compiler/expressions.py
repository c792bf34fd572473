"""Types of scalar expressions, and the names and calls inside them.

:class:`Scope` is what a SELECT can see (its FROM items, then the enclosing
query's for correlated subqueries). :func:`ExprTyper.typeof` infers a
:class:`FlinkType`, recording unknown columns and every function call in the
statement's :class:`Facts` on the way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlglot import exp

from sqlflow.compiler.builtins import AGGREGATES, builtin
from sqlflow.compiler.catalog import Catalog
from sqlflow.compiler.facts import CallSite, Col, Facts, Relation, Unresolved
from sqlflow.dialect import expressions as fx
from sqlflow.compiler.types import (ANY, BIGINT, BOOLEAN, DOUBLE, INT, INTERVAL, NULL, STRING,
                                    FlinkType, TypeSyntaxError, common_type, from_datatype, parse_type)
from sqlflow.errors import Location

#: sqlglot node classes for Flink functions that sqlglot parses into its own nodes.
_NODE_NAMES: dict[type, str] = {
    exp.Count: "COUNT", exp.Sum: "SUM", exp.Avg: "AVG", exp.Min: "MIN", exp.Max: "MAX",
    exp.Coalesce: "COALESCE", exp.Upper: "UPPER", exp.Lower: "LOWER", exp.Abs: "ABS",
    exp.Round: "ROUND", exp.Floor: "FLOOR", exp.Ceil: "CEIL", exp.Sqrt: "SQRT", exp.Ln: "LN",
    exp.Exp: "EXP", exp.Pow: "POWER", exp.Length: "CHAR_LENGTH", exp.Concat: "CONCAT",
    exp.ConcatWs: "CONCAT_WS", exp.Substring: "SUBSTRING", exp.Trim: "TRIM",
    exp.RowNumber: "ROW_NUMBER", exp.Stddev: "STDDEV", exp.StddevPop: "STDDEV_POP",
    exp.StddevSamp: "STDDEV_SAMP", exp.Variance: "VAR_SAMP", exp.VariancePop: "VAR_POP",
    exp.First: "FIRST_VALUE", exp.Last: "LAST_VALUE", exp.FirstValue: "FIRST_VALUE",
    exp.LastValue: "LAST_VALUE", exp.ArrayAgg: "ARRAY_AGG", exp.Greatest: "GREATEST",
    exp.Least: "LEAST", exp.Nullif: "NULLIF", exp.If: "IF", exp.Extract: "EXTRACT",
    exp.CurrentTimestamp: "CURRENT_TIMESTAMP", exp.CurrentDate: "CURRENT_DATE",
    exp.Log: "LOG", exp.MD5: "MD5", exp.Lead: "LEAD", exp.Lag: "LAG",
    exp.GroupConcat: "LISTAGG", exp.ArraySize: "CARDINALITY", exp.RegexpReplace: "REGEXP_REPLACE",
    exp.RegexpExtract: "REGEXP_EXTRACT", exp.Split: "SPLIT", exp.UnixToStr: "FROM_UNIXTIME",
    exp.StrToUnix: "UNIX_TIMESTAMP", exp.TimeToStr: "DATE_FORMAT", exp.ArrayContains: "ARRAY_CONTAINS",
    exp.Array: "ARRAY", exp.Struct: "ROW", exp.Map: "MAP", exp.Rand: "RAND",
    exp.Initcap: "INITCAP", exp.Repeat: "REPEAT", exp.Left: "LEFT", exp.Right: "RIGHT",
    exp.Pad: "LPAD", exp.Reverse: "REVERSE", exp.Sign: "SIGN", exp.Uuid: "UUID",
    exp.JSONExtractScalar: "JSON_VALUE", exp.Rank: "RANK", exp.DenseRank: "DENSE_RANK",
}

_BOOLEAN_NODES = (exp.Predicate, exp.And, exp.Or, exp.Not, exp.Xor)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.IntDiv)
_OPERATOR = {exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%", exp.IntDiv: "DIV"}
_TEMPORAL_ROOTS = ("TIMESTAMP", "TIMESTAMP_LTZ", "DATE", "TIME")


def function_name(node: exp.Func) -> str:
    """The SQL name a call was written with (as sqlglot keeps it)."""
    if isinstance(node, exp.Anonymous):
        return str(node.this)
    for cls, name in _NODE_NAMES.items():
        if type(node) is cls:
            return name
    return node.sql_name()


def is_aggregate_call(node: exp.Expression, catalog: Catalog | None = None, file: str | None = None) -> bool:
    """A call of an aggregate function that is not inside an OVER window."""
    if isinstance(node.parent, exp.Window):
        return False
    if isinstance(node, exp.AggFunc) and not isinstance(node, (exp.RowNumber,)):
        return True
    if isinstance(node, exp.Anonymous):
        name = str(node.this).upper()
        if name in AGGREGATES:
            return True
        if catalog is not None:
            f = catalog.function(str(node.this), file)
            return bool(f and f.spec and f.spec.options.get("kind") == "aggregate")
    return False


@dataclass
class Scope:
    """The FROM items a SELECT sees, by alias, plus the enclosing query's scope."""

    items: list[tuple[str, Relation]] = field(default_factory=list)
    parent: Scope | None = None
    aliases: dict[str, FlinkType] = field(default_factory=dict)  # SELECT aliases (GROUP/ORDER BY)
    shared: set[str] = field(default_factory=set)  # joined USING or NATURAL: one column, not two

    def owners(self, name: str) -> list[str]:
        """The aliases of this level's FROM items that have a column ``name`` (two or more: ambiguous)."""
        if name in self.shared or name in self.aliases or any(rel.opaque for _, rel in self.items):
            return []
        return [alias for alias, rel in self.items if any(c.name == name for c in rel.columns)]

    def relation(self, alias: str) -> Relation | None:
        for name, rel in self.items:
            if name == alias:
                return rel
        return self.parent.relation(alias) if self.parent else None

    def lookup(self, name: str) -> Col | None:
        for _, rel in self.items:
            for c in rel.columns:
                if c.name == name:
                    return c
        if any(rel.opaque for _, rel in self.items):
            return Col(name, ANY)  # an unresolved input was already reported
        if name in self.aliases:
            return Col(name, self.aliases[name])
        return self.parent.lookup(name) if self.parent else None

    def column_names(self) -> list[str]:
        names = [c.name for _, rel in self.items for c in rel.columns]
        return names + (self.parent.column_names() if self.parent else [])


class ExprTyper:
    """Types expressions of one statement and records what it meets in ``facts``."""

    def __init__(self, catalog: Catalog, file: str, facts: Facts,
                 locate: Callable[[exp.Expression], Location],
                 subquery: Callable[[exp.Expression, Scope], Relation]):
        self.catalog = catalog
        self.file = file
        self.facts = facts
        self.locate = locate
        self.subquery = subquery

    def typeof(self, e: exp.Expression | None, scope: Scope) -> FlinkType:
        """The Flink type of ``e`` in ``scope`` (``ANY`` where it cannot tell)."""
        if e is None:
            return ANY
        if isinstance(e, (exp.Alias, exp.Paren)):
            return self.typeof(e.this, scope)
        if isinstance(e, exp.Column):
            return self.column(e, scope)
        if isinstance(e, exp.Literal):
            return _literal_type(e)
        if isinstance(e, exp.Boolean):
            return BOOLEAN
        if isinstance(e, exp.Null):
            return NULL
        if isinstance(e, (exp.Cast, exp.TryCast)):
            self.typeof(e.this, scope)
            try:
                return from_datatype(e.args["to"])
            except TypeSyntaxError:
                return ANY
        if isinstance(e, exp.Interval):
            return INTERVAL
        if isinstance(e, exp.Subquery) or isinstance(e, exp.Query):
            rel = self.subquery(e.this if isinstance(e, exp.Subquery) else e, scope)
            return rel.columns[0].type if rel.columns else ANY
        if isinstance(e, (exp.In, exp.Exists)):
            subquery_type = None
            for child in e.iter_expressions():
                if isinstance(child, (exp.Query, exp.Subquery)):
                    rel = self.subquery(child.this if isinstance(child, exp.Subquery) else child, scope)
                    subquery_type = rel.columns[0].type if rel.columns else ANY
                else:
                    self.typeof(child, scope)
            if isinstance(e, exp.In) and subquery_type is not None and e.this is not None:
                self._in_subquery(e, self.typeof(e.this, scope), subquery_type)
            return BOOLEAN
        if isinstance(e, _COMPARISONS):
            self._comparison(e, scope)
            return BOOLEAN
        if isinstance(e, _BOOLEAN_NODES):
            self._children(e, scope)
            return BOOLEAN
        if isinstance(e, exp.Neg):
            return self.typeof(e.this, scope)
        if isinstance(e, _ARITHMETIC):
            return self._arithmetic(e, scope)
        if isinstance(e, exp.DPipe):
            for side, t in zip((e.left, e.right), self._children(e, scope)):
                if t.family == "numeric":  # Flink: "Cannot apply '||' to arguments of type ... <BIGINT>"
                    self._string_arithmetic(e, f"|| with {t.plain()}",
                                            f"|| joins strings: CAST({side.sql(dialect='flink')} AS STRING)")
            return STRING
        if isinstance(e, fx.JsonCall):
            return self._json_call(e, scope)
        if isinstance(e, exp.Case):
            return self._case(e, scope)
        if isinstance(e, exp.Window):
            return self.typeof(e.this, scope) if not self._window_parts(e, scope) else ANY
        if isinstance(e, exp.Bracket):
            base = self.typeof(e.this, scope)
            for k in e.expressions:
                self.typeof(k, scope)
            if base.root in ("ARRAY", "MAP") and base.args:
                return base.args[-1]
            return ANY
        if isinstance(e, exp.Dot):
            base = self.typeof(e.this, scope)
            for fname, ftype in base.fields:
                if fname == e.name:
                    return ftype
            return ANY
        if isinstance(e, exp.Func):
            return self.call(e, scope)
        self._children(e, scope)
        return ANY

    def _children(self, e: exp.Expression, scope: Scope) -> list[FlinkType]:
        return [self.typeof(c, scope) for c in e.iter_expressions()]

    def _comparison(self, e: exp.Binary, scope: Scope) -> None:
        """Type both sides; a string compared with a number is recorded (= and <> are errors in Flink)."""
        left, right = self.typeof(e.left, scope), self.typeof(e.right, scope)
        if {left.family, right.family} == {"string", "numeric"}:
            text, number = (e.left, e.right) if left.family == "string" else (e.right, e.left)
            ntype = right if left.family == "string" else left
            ordering = not isinstance(e, (exp.EQ, exp.NEQ))  # '9' > '10' as strings: cast, never quote
            if isinstance(number, exp.Literal) and ordering:
                fix = f"compare numbers: CAST({text.sql(dialect='flink')} AS {ntype.plain()})"
            elif isinstance(number, exp.Literal):
                fix = (f"write the number as a string, '{number.this}', "
                       f"or CAST({text.sql(dialect='flink')} AS {ntype.plain()})")
            elif isinstance(text, exp.Literal):
                fix = f"compare it with a number, or CAST({number.sql(dialect='flink')} AS STRING)"
            else:
                fix = f"cast one side: CAST({text.sql(dialect='flink')} AS {ntype.plain()})"
            kind = "mixed-equality" if isinstance(e, (exp.EQ, exp.NEQ)) else "mixed-comparison"
            self.facts.unresolved.append(Unresolved(kind, f"STRING with {ntype.plain()}", self.locate(e), (), hint=fix))

    def _in_subquery(self, e: exp.In, left: FlinkType, column: FlinkType) -> None:
        """``x IN (SELECT y ...)`` compares x = y: a string with a number is refused by Flink, as for =."""
        if {left.family, column.family} != {"string", "numeric"}:
            return
        value = e.this.sql(dialect="flink")
        if left.family == "string":
            fix = f"cast one side: CAST({value} AS {column.plain()})"
        else:
            fix = f"cast one side: CAST({value} AS STRING), or cast the subquery's column to {left.plain()}"
        number = column if left.family == "string" else left
        self.facts.unresolved.append(Unresolved("mixed-equality", f"STRING with {number.plain()} in IN (SELECT ...)",
                                                self.locate(e), (), hint=fix))

    def _string_arithmetic(self, e: exp.Expression, what: str, fix: str) -> None:
        self.facts.unresolved.append(Unresolved("string-arithmetic", what, self.locate(e), (), hint=fix))

    def _window_parts(self, w: exp.Window, scope: Scope) -> bool:
        for p in w.args.get("partition_by") or []:
            self.typeof(p, scope)
        order = w.args.get("order")
        if order is not None:
            for o in order.expressions:
                self.typeof(o.this if isinstance(o, exp.Ordered) else o, scope)
        return False

    def _arithmetic(self, e: exp.Binary, scope: Scope) -> FlinkType:
        left, right = self.typeof(e.left, scope), self.typeof(e.right, scope)
        families = {left.family, right.family}
        if families == {"string", "numeric"}:
            # Flink: "Cannot apply '-' to arguments of type '<BIGINT> - <VARCHAR(2147483647)>'"
            text, number = (e.left, right) if left.family == "string" else (e.right, left)
            self._string_arithmetic(e, f"{left.plain()} {_OPERATOR.get(type(e), '?')} {right.plain()}",
                                    f"cast the string: CAST({text.sql(dialect='flink')} AS {number.plain()})")
            return ANY
        if left.root in _TEMPORAL_ROOTS:
            return left.plain()
        if right.root in _TEMPORAL_ROOTS:
            return right.plain()
        if left.root == "INTERVAL" or right.root == "INTERVAL":
            return INTERVAL
        return common_type([left, right])

    def _json_call(self, e: fx.JsonCall, scope: Scope) -> FlinkType:
        """SQL/JSON functions: JSON_EXISTS is BOOLEAN, JSON_VALUE its RETURNING type (STRING by default),
        the others build JSON text (STRING)."""
        for arg in e.expressions:
            self.typeof(arg.args.get("expression") if isinstance(arg, fx.JsonKeyValue) else arg, scope)
        if e.name == "JSON_EXISTS":
            return BOOLEAN
        returning = next((c for c in e.args.get("clauses") or [] if c.name == "RETURNING"), None)
        if returning is not None and isinstance(returning.expression, exp.DataType):
            return from_datatype(returning.expression)
        return STRING

    def _case(self, e: exp.Case, scope: Scope) -> FlinkType:
        subject = self.typeof(e.this, scope) if e.this is not None else None
        results = []
        mixed = False
        for branch in e.args.get("ifs") or []:
            when = self.typeof(branch.this, scope)
            if subject is not None and not mixed and {subject.family, when.family} == {"string", "numeric"}:
                mixed = True  # CASE x WHEN v compares x = v: the same rule as =, once per CASE
                self._comparison(exp.EQ(this=e.this.copy(), expression=branch.this.copy()), scope)
            results.append(self.typeof(branch.args.get("true"), scope))
        if e.args.get("default") is not None:
            results.append(self.typeof(e.args["default"], scope))
        return common_type(results)

    def column(self, c: exp.Column, scope: Scope) -> FlinkType:
        """Resolve a column reference, qualified or not; unknown ones become facts."""
        name = c.name
        qualifier = c.table
        if isinstance(c.this, exp.Star):
            return ANY
        if qualifier:
            rel = scope.relation(qualifier)
            if rel is None:
                # ``row_col.field`` parses as a qualified column: try it as a field access
                base = scope.lookup(qualifier)
                if base is not None:
                    for fname, ftype in base.type.fields:
                        if fname == name:
                            return ftype
                    return ANY
                self.facts.unresolved.append(Unresolved(
                    "column", f"{qualifier}.{name}", self.locate(c),
                    tuple(a for a, _ in scope.items), hint=None))
                return ANY
            col = rel.find(name)
            if col is None:
                self.facts.unresolved.append(Unresolved(
                    "column", name, self.locate(c.this), tuple(x.name for x in rel.columns),
                    hint=f"'{qualifier}' has no column '{name}'"))
                return ANY
            return col.type
        col = scope.lookup(name)
        if col is None and name.upper() in _NILADIC and not c.this.args.get("quoted"):
            return _NILADIC[name.upper()]  # USER, LOCALTIMESTAMP, ...: calls written without parentheses
        if col is None:
            self.facts.unresolved.append(Unresolved(
                "column", name, self.locate(c), tuple(scope.column_names())))
            return ANY
        owners = scope.owners(name)
        if len(owners) > 1:
            named = [f"{a}.{name}" for a in owners if a]
            self.facts.unresolved.append(Unresolved(
                "ambiguous-column", name, self.locate(c), tuple(owners),
                hint=f"qualify it: {' or '.join(named)}" if len(named) == len(owners) else
                "give each table an alias and qualify the column with it"))
        return col.type

    def call(self, f: exp.Func, scope: Scope) -> FlinkType:
        """Type a function call, recording it (UDF, built-in or unknown) in the facts."""
        name = function_name(f)
        args = [a for a in f.iter_expressions()
                if not isinstance(a, (exp.Var,)) or isinstance(f, exp.Anonymous)]
        if isinstance(f, exp.Extract):
            args = [f.expression]
        if isinstance(f, exp.Count) and isinstance(f.this, exp.Star):
            args = []
        if name.upper() in _UNIT_FIRST and args and _is_unit(args[0]):
            args = [exp.Var(this=args[0].name)] + args[1:]
        arg_types = tuple(INTERVAL if isinstance(a, exp.Var) else self.typeof(a, scope) for a in args)
        arg_locs = tuple(self.locate(a) for a in args)
        loc = self.locate(f)
        udf = self.catalog.function(name, self.file) if isinstance(f, exp.Anonymous) else None
        known = builtin(name)
        if udf is not None and udf.index < 0:  # found in udfs/ only: the SQL never declares it to Flink
            self.facts.calls.append(CallSite(name, loc, arg_types, arg_locs, node=f, undeclared=udf))
            return ANY
        if udf is not None:
            self.facts.calls.append(CallSite(name, loc, arg_types, arg_locs, udf=udf, node=f))
            if udf.spec is not None:
                try:
                    return parse_type(udf.spec.result_type)
                except TypeSyntaxError:
                    return ANY
            return ANY
        self.facts.calls.append(CallSite(name, loc, arg_types, arg_locs, builtin=known, node=f))
        if isinstance(f, exp.Anonymous) and known is None:
            return ANY  # the unknown-function rule reports it
        if isinstance(f, exp.Count):
            return BIGINT
        if known is not None:
            if name.upper() == "PROCTIME":
                return FlinkType("TIMESTAMP_LTZ", (3,), time_attr="proctime")
            return known.result_type(list(arg_types))
        return _sqlglot_result(f, arg_types)


#: Functions Flink calls without parentheses, which parse as column names.
_NILADIC = {"USER": STRING, "CURRENT_USER": STRING, "SESSION_USER": STRING, "SYSTEM_USER": STRING,
            "LOCALTIME": FlinkType("TIME"), "LOCALTIMESTAMP": FlinkType("TIMESTAMP", (3,)),
            "CURRENT_ROLE": STRING, "CURRENT_CATALOG": STRING, "CURRENT_DATABASE": STRING}

#: Functions whose first argument is a time unit keyword (``TIMESTAMPDIFF(SECOND, a, b)``).
_UNIT_FIRST = frozenset({"TIMESTAMPADD", "TIMESTAMPDIFF"})
_UNITS = frozenset({"MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH",
                    "QUARTER", "YEAR", "NANOSECOND"})


def _is_unit(node: exp.Expression) -> bool:
    return isinstance(node, (exp.Column, exp.Var)) and not getattr(node, "table", "") and \
        node.name.upper() in _UNITS


def _literal_type(lit: exp.Literal) -> FlinkType:
    if lit.is_string:
        return FlinkType("CHAR", (max(len(str(lit.this)), 1),))
    text = str(lit.this)
    if "e" in text.lower():
        return DOUBLE
    if "." in text:
        return FlinkType("DECIMAL")
    try:
        return INT if abs(int(text)) < 2**31 else BIGINT
    except ValueError:
        return ANY


def _sqlglot_result(f: exp.Func, args: tuple[FlinkType, ...]) -> FlinkType:
    """Result type of a call that sqlglot parsed into its own node and the table lacks."""
    if isinstance(f, exp.Predicate):
        return BOOLEAN
    if isinstance(f, (exp.DateTrunc, exp.TimestampTrunc)):
        return args[-1] if args else ANY
    if isinstance(f, exp.Length):
        return INT
    return ANY
