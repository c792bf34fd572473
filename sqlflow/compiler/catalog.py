"""The project's catalog: tables, views, functions and models from every file.

Definitions are read from the parsed statements in file order. A name may be
defined in several job files when the definitions are the same text (each job
is then self-contained); a file sees its own definition first, then the
project's first one.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from functools import cached_property

from sqlglot import exp

from sqlflow.compiler.types import ANY, FlinkType, from_datatype
from sqlflow.errors import Location
from sqlflow.udf.spec import ModelSignature, UdfSpec


@dataclass(frozen=True)
class Column:
    """A table column: physical, computed (``expr``) or metadata."""

    name: str
    type: FlinkType
    kind: str = "physical"  # "physical" | "computed" | "metadata"
    expr: exp.Expression | None = field(default=None, compare=False, hash=False)
    metadata_key: str | None = None
    virtual: bool = False
    location: Location | None = field(default=None, compare=False, hash=False)

    @property
    def persisted(self) -> bool:
        """Whether an INSERT writes this column (computed and virtual ones are not)."""
        return self.kind == "physical" or (self.kind == "metadata" and not self.virtual)


@dataclass(frozen=True)
class Watermark:
    """``WATERMARK FOR column AS expr``."""

    column: str
    expr: exp.Expression = field(compare=False, hash=False)
    location: Location | None = field(default=None, compare=False, hash=False)


@dataclass
class Definition:
    """What every catalog entry has: a name, where it is defined, and its statement."""

    name: str
    file: str
    index: int  # statement index within its file
    location: Location | None
    text: str  # a stand-in for the defining statement's SQL where there is no statement (a UDF of udfs/)
    #: the definition an ALTER statement changed into this one (None for a CREATE)
    revision_of: Definition | None = field(default=None, repr=False, compare=False)
    #: the defining statement's tree
    node: exp.Expression | None = field(default=None, repr=False, compare=False)

    @cached_property
    def sql(self) -> str:
        """The defining statement's normalized SQL (to compare duplicates): made when first asked, since
        most definitions are never compared."""
        if self.node is None:
            return self.text
        try:
            return self.node.sql(dialect="flink", normalize=True)
        except Exception:  # noqa: BLE001 - a tree the generator cannot write: its plain form will do
            return self.node.sql()

    @property
    def origin(self) -> Definition:
        """The CREATE this definition descends from through ALTER statements."""
        d = self
        while d.revision_of is not None:
            d = d.revision_of
        return d


@dataclass
class DroppedDef(Definition):
    """``DROP TABLE | VIEW | FUNCTION | MODEL name`` (or the old name of a RENAME): from here on, no such object."""

    kind: str = "table"


@dataclass
class TableDef(Definition):
    """A ``CREATE TABLE``: columns, watermark, primary key and WITH options.

    A table with a ``query`` (CREATE TABLE ... AS, REPLACE TABLE ... AS, a
    materialized table) takes the query's columns after its declared ones.
    """

    columns: list[Column] = field(default_factory=list)
    watermark: Watermark | None = None
    primary_key: tuple[str, ...] = ()
    options: dict[str, str] = field(default_factory=dict)
    option_locations: dict[str, Location] = field(default_factory=dict)
    partitioned_by: tuple[str, ...] = ()
    temporary: bool = False
    like: exp.Expression | None = field(default=None, repr=False)  # the LIKE clause, merged by like.py
    like_base: TableDef | None = field(default=None, repr=False)  # the table it was merged from
    inherited_options: frozenset[str] = frozenset()  # options taken from like_base (checked there)
    query: exp.Expression | None = field(default=None, repr=False)  # AS <query> of CTAS, RTAS, materialized
    materialized: bool = False

    @property
    def connector(self) -> str | None:
        return self.options.get("connector")

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None


@dataclass
class ViewDef(Definition):
    """A ``CREATE VIEW``; its columns are inferred when it is resolved."""

    query: exp.Expression | None = None
    column_names: tuple[str, ...] = ()


@dataclass
class FunctionDef(Definition):
    """A UDF: declared by ``CREATE FUNCTION`` or discovered in ``udfs/``."""

    spec: UdfSpec | None = None
    target: str | None = None  # the class or module path of CREATE FUNCTION
    language: str = "PYTHON"


@dataclass
class ModelDef(Definition):
    """A ``CREATE MODEL``: declared input and output columns, options, ONNX signature."""

    inputs: list[Column] = field(default_factory=list)
    outputs: list[Column] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)
    path: str | None = None  # ONNX file relative to the project root
    signature: ModelSignature | None = None
    load_error: str | None = None


def table_name(node: exp.Expression) -> str:
    """The dotted name of an ``exp.Table`` (``cat.db.t`` or ``t``)."""
    if isinstance(node, exp.Table):
        parts = [p.name for p in (node.args.get("catalog"), node.args.get("db"), node.this)
                 if isinstance(p, exp.Expression) and p.name]
        return ".".join(parts)
    return node.name


def literal_text(node: exp.Expression | None) -> str:
    """The text of a literal or identifier-like node."""
    if node is None:
        return ""
    if isinstance(node, exp.Literal):
        return str(node.this)
    return node.name or node.sql()


def with_options(props: exp.Expression | None) -> list[tuple[str, str, exp.Expression]]:
    """The ``WITH ('k' = 'v')`` pairs of a Properties node, in order, with their nodes."""
    if props is None:
        return []
    out = []
    for p in props.expressions:
        if type(p) is exp.Property and isinstance(p.this, exp.Literal):
            out.append((str(p.this.this), literal_text(p.args.get("value")), p))
    return out


def is_temporary(create: exp.Create) -> bool:
    props = create.args.get("properties")
    return bool(props and any(isinstance(p, exp.TemporaryProperty) for p in props.expressions))


def column_defs(schema_items: list[exp.Expression]) -> list[exp.ColumnDef]:
    return [c for c in schema_items if isinstance(c, exp.ColumnDef)]


def parse_column(cdef: exp.ColumnDef, expr_type: FlinkType | None = None) -> Column:
    """A :class:`Column` from a ColumnDef node (the caller types computed columns)."""
    kind_node = cdef.args.get("kind")
    ctype = from_datatype(kind_node) if kind_node is not None else (expr_type or ANY)
    kind, expr, key, virtual = "physical", None, None, False
    for cons in cdef.args.get("constraints") or []:
        k = cons.args.get("kind") if isinstance(cons, exp.ColumnConstraint) else cons
        if isinstance(k, exp.ComputedColumnConstraint):
            kind, expr = "computed", k.this
        elif type(k).__name__ == "MetadataColumnConstraint":
            kind = "metadata"
            key = literal_text(k.this) if k.this is not None else None
            virtual = bool(k.args.get("virtual"))
    return Column(cdef.name, ctype, kind, expr, key, virtual)


class Catalog:
    """Every definition by name, in file order; lookups prefer the asking file's own."""

    def __init__(self) -> None:
        self.relations: dict[str, list[TableDef | ViewDef]] = {}
        self.functions: dict[str, list[FunctionDef]] = {}  # keyed by lower-case name
        self.models: dict[str, list[ModelDef]] = {}
        #: names that a CREATE statement which did not parse meant to define, by kind
        #: (table, view, function, model): references to them are not reported again
        self.broken: dict[str, set[str]] = {}

    def add_broken(self, kind: str, name: str) -> None:
        self.broken.setdefault(kind, set()).add(name.lower() if kind == "function" else name)

    def is_broken(self, kind: str, name: str) -> bool:
        """Whether ``name`` was meant to be defined by a statement with a syntax error."""
        if kind == "relation":
            return name in self.broken.get("table", set()) or name in self.broken.get("view", set())
        return (name.lower() if kind == "function" else name) in self.broken.get(kind, set())

    def add(self, d: Definition) -> None:
        kind = d.kind if isinstance(d, DroppedDef) else None
        if isinstance(d, FunctionDef) or kind == "function":
            self.functions.setdefault(d.name.lower(), []).append(d)  # type: ignore[arg-type]
        elif isinstance(d, ModelDef) or kind == "model":
            self.models.setdefault(d.name, []).append(d)  # type: ignore[arg-type]
        else:
            self.relations.setdefault(d.name, []).append(d)  # type: ignore[arg-type]

    @staticmethod
    def _pick(defs: list, file: str | None, index: int | None = None):
        """The definition a statement of ``file`` (at statement ``index``) sees.

        In its own file: the latest definition, ALTER or DROP at or before the
        statement (the earliest CREATE when none comes before: the compiler
        does not insist on order); else the first CREATE of another SQL file
        (shared definitions); else a UDF discovered in udfs/ (index -1).
        """
        if not defs:
            return None
        own = [d for d in defs if d.file == file and d.index >= 0]
        before = [d for d in own if index is not None and d.index <= index]
        if before:
            d = max(before, key=lambda d: d.index)
            return None if isinstance(d, DroppedDef) else d
        creates = [d for d in defs if d.revision_of is None and not isinstance(d, DroppedDef)]
        for group in ([d for d in creates if d.file == file and d.index >= 0], [d for d in creates if d.index >= 0],
                      creates):
            if group:
                return group[0]
        return None

    def relation(self, name: str, file: str | None = None, index: int | None = None) -> TableDef | ViewDef | None:
        return self._pick(self.relations.get(name, []), file, index)

    def function(self, name: str, file: str | None = None, index: int | None = None) -> FunctionDef | None:
        return self._pick(self.functions.get(name.lower(), []), file, index)

    def model(self, name: str, file: str | None = None, index: int | None = None) -> ModelDef | None:
        return self._pick(self.models.get(name, []), file, index)

    def at(self, index: int) -> PositionedCatalog:
        """This catalog as the statement at ``index`` of its file sees it (ALTER and DROP before it apply)."""
        return PositionedCatalog(self, index)

    def tables(self) -> list[TableDef]:
        return [d for defs in self.relations.values() for d in defs if isinstance(d, TableDef)]

    def views(self) -> list[ViewDef]:
        return [d for defs in self.relations.values() for d in defs if isinstance(d, ViewDef)]

    def all_definitions(self) -> list[Definition]:
        out: list[Definition] = []
        for group in (self.relations, self.functions, self.models):
            for defs in group.values():
                out.extend(defs)
        return out


class PositionedCatalog:
    """A catalog read from one statement: lookups in its file see the ALTER and DROP statements before it."""

    def __init__(self, catalog: Catalog, index: int) -> None:
        self.catalog = catalog
        self.index = index

    def relation(self, name: str, file: str | None = None, index: int | None = None) -> TableDef | ViewDef | None:
        return self.catalog.relation(name, file, self.index if index is None else index)

    def function(self, name: str, file: str | None = None, index: int | None = None) -> FunctionDef | None:
        return self.catalog.function(name, file, self.index if index is None else index)

    def model(self, name: str, file: str | None = None, index: int | None = None) -> ModelDef | None:
        return self.catalog.model(name, file, self.index if index is None else index)

    def __getattr__(self, name: str) -> t.Any:
        return getattr(self.catalog, name)
