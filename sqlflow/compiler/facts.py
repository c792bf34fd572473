"""What resolving a statement finds out, for the rules to judge.

Resolution walks each query once; it records what it met (tables read,
calls made, windows, joins, groupings, names it could not resolve) as plain
facts. Each rule then reads the facts it cares about, so adding a rule never
means walking the tree again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from sqlflow.compiler.builtins import Builtin
from sqlflow.compiler.catalog import Definition, FunctionDef, ModelDef
from sqlflow.compiler.types import ANY, FlinkType
from sqlflow.errors import Location


@dataclass(frozen=True)
class Col:
    """A column of a relation flowing through a query."""

    name: str
    type: FlinkType


@dataclass
class Relation:
    """The rows a FROM item or query yields: columns, and how they change.

    ``updating``: the rows carry updates or retractions (an unbounded
    aggregate, an outer join, a Top-N), which append-only sinks cannot take.
    ``windowed``: window_start/window_end come from a window TVF.
    """

    columns: list[Col]
    updating: bool = False
    windowed: bool = False
    rank_column: str | None = None  # ROW_NUMBER() alias, for Top-N detection
    rank_append: bool = False  # a window Top-N or a first-row dedup on proctime
    has_rowtime: bool = False  # some input column has a watermark
    opaque: bool = False  # built on something unresolved: any column name is accepted, typed ANY

    def find(self, name: str) -> Col | None:
        for c in self.columns:
            if c.name == name:
                return c
        return Col(name, ANY) if self.opaque else None


@dataclass(frozen=True)
class Unresolved:
    """A name that resolution could not find."""

    kind: str  # "table" | "column" | "function" | "model"
    name: str
    location: Location
    candidates: tuple[str, ...] = ()
    hint: str | None = None


@dataclass(frozen=True)
class CallSite:
    """A function call site with the types of its arguments."""

    name: str
    location: Location
    arg_types: tuple[FlinkType, ...]
    arg_locations: tuple[Location, ...]
    udf: FunctionDef | None = None
    builtin: Builtin | None = None
    node: exp.Expression | None = field(default=None, compare=False, hash=False)
    #: a UDF of udfs/ that no CREATE FUNCTION declares: Flink does not know it ("No match found")
    undeclared: FunctionDef | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class WindowUse:
    """A window TVF (or group window) over a time column."""

    function: str
    column: str
    type: FlinkType
    location: Location
    rowtime_available: str | None = None  # a watermarked column of the same input


@dataclass(frozen=True)
class JoinUse:
    """A join: ``kind`` is regular, interval, temporal, lookup, window or lateral."""

    kind: str
    outer: bool
    location: Location
    time_columns: tuple[tuple[str, FlinkType], ...] = ()


@dataclass(frozen=True)
class PredictUse:
    """An ML_PREDICT call: the model, the feature columns passed and where."""

    model: ModelDef
    features: tuple[tuple[str, FlinkType, Location], ...]
    location: Location


@dataclass(frozen=True)
class SetOpUse:
    """UNION / INTERSECT / EXCEPT: each branch's column types and where its columns are written."""

    kind: str  # "UNION ALL", "UNION", "INTERSECT", "EXCEPT"
    left: tuple[FlinkType, ...]
    right: tuple[FlinkType, ...]
    left_locations: tuple[Location, ...]
    right_locations: tuple[Location, ...]
    location: Location


@dataclass
class Facts:
    """Everything one statement's resolution found."""

    unresolved: list[Unresolved] = field(default_factory=list)
    calls: list[CallSite] = field(default_factory=list)
    windows: list[WindowUse] = field(default_factory=list)
    joins: list[JoinUse] = field(default_factory=list)
    unbounded_aggregates: list[Location] = field(default_factory=list)
    topn: list[Location] = field(default_factory=list)
    predicts: list[PredictUse] = field(default_factory=list)
    sorts: list[tuple[str, Location]] = field(default_factory=list)  # ORDER BY a stream cannot run, why
    reads: list[tuple[Definition, Location]] = field(default_factory=list)
    set_ops: list[SetOpUse] = field(default_factory=list)
    #: ``a b`` in a SELECT list where ``b`` is also a column of its input, or starts another line:
    #: most likely ``a, b`` with the comma lost (the expression, the alias, where the expression is)
    lost_commas: list[tuple[exp.Expression, str, Location]] = field(default_factory=list)
    select_star: Location | None = None
    too_deep: Location | None = None  # resolution gave up: the tree is nested too deeply
