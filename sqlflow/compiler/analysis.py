"""The resolved project: every statement with what resolution found, ready for the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from sqlglot import exp

from sqlflow.compiler.catalog import Catalog, Definition, TableDef
from sqlflow.compiler.facts import Facts, Relation
from sqlflow.compiler.project import SourceFile
from sqlflow.config import Config
from sqlflow.errors import Location, SqlflowError
from sqlflow.udf.spec import UdfSpec


@dataclass
class StatementInfo:
    """One statement (an INSERT of a statement set counts as its own) and its facts.

    ``kind`` is table, view, function, model, insert, query, set or other.
    """

    file: SourceFile
    index: int
    statement: Any  # sqlflow.dialect Statement
    node: exp.Expression
    kind: str
    location: Location
    facts: Facts = field(default_factory=Facts)
    definition: Definition | None = None
    query: exp.Expression | None = None
    relation: Relation | None = None
    sink: TableDef | None = None
    sink_name: str | None = None
    sink_location: Location | None = None
    insert_columns: list[tuple[str, Location]] | None = None
    static_partitions: tuple[str, ...] = ()  # INSERT ... PARTITION (col = 'v'): columns the query skips
    static_partition_locations: tuple[Location, ...] = ()
    projection_locations: list[Location] = field(default_factory=list)
    in_statement_set: bool = False
    settings: dict[str, str] = field(default_factory=dict)  # SET values in force here

    def locate(self, node: exp.Expression) -> Location:
        """The location of ``node`` in the file as the user wrote it."""
        try:
            loc = self.statement.locate(node)
        except Exception:  # a node the dialect cannot place: the statement itself
            return self.location
        return self.file.remap(loc)


@dataclass
class Project:
    """Everything the rules look at: files, catalog, statements, UDFs, config."""

    config: Config
    files: list[SourceFile]
    catalog: Catalog
    statements: list[StatementInfo]
    udfs: list[UdfSpec]
    load_errors: list[SqlflowError] = field(default_factory=list)

    def in_file(self, file: SourceFile) -> list[StatementInfo]:
        return [s for s in self.statements if s.file is file]

    def is_batch(self, file: SourceFile) -> bool:
        """A batch job: it uses INSERT OVERWRITE or sets 'execution.runtime-mode' = 'batch'.

        Batch jobs have no updates, watermarks or state to worry about.
        """
        for s in self.in_file(file):
            if s.kind == "insert" and s.node.args.get("overwrite"):
                return True
            if s.settings.get("execution.runtime-mode") == "batch":
                return True
            if s.kind == "set" and any("execution.runtime-mode" in i.sql() and "batch" in i.sql().lower()
                                       for i in s.node.expressions):
                return True
        return False

    def is_job(self, file: SourceFile) -> bool:
        """A job file holds INSERTs; a file of only definitions is shared catalog DDL."""
        return any(s.kind == "insert" for s in self.in_file(file))

    def statement_at(self, loc: Location) -> StatementInfo | None:
        """The statement whose text holds ``loc`` (for per-statement lint switches)."""
        best = None
        for s in self.statements:
            if s.file.rel == loc.file and s.location.line <= loc.line:
                if best is None or s.location.line >= best.location.line:
                    best = s
        return best


Locator = Callable[[exp.Expression], Location]
