"""Swap a table's connector for a test, leaving the rest of its DDL as the compiler gave it.

A source keeps its columns, computed columns and WATERMARK; only its WITH
clause changes, to a bounded filesystem source over the files the test's
rows were written to, in the table's own format where the filesystem reads
it line by line (see :mod:`sqlflow.sqltest.formats`), so event-time windows
close when the input ends. Metadata columns become plain columns whose
values the test gives.

A sink becomes a ``blackhole`` table of the same schema: the job's INSERT is
checked against it by Flink's planner, and the INSERT's query is collected.

The edits are spans of the statement's SQL found by the dialect's tokenizer
(:mod:`sqlflow.sqltest.edit`).
"""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler.catalog import TableDef
from sqlflow.sqltest.edit import metadata_clauses, replace_with
from sqlflow.sqltest.formats import CHANGELOG_FORMATS, SourceFormat, declared_format, is_changelog_source, \
    source_format

#: Connectors that accept only inserts (an updating query into them fails in production).
APPEND_ONLY_CONNECTORS = ("kafka", "filesystem")

__all__ = ["APPEND_ONLY_CONNECTORS", "is_append_only_sink", "is_changelog_source", "sink_ddl", "source_ddl",
           "source_options"]


def is_append_only_sink(table: TableDef) -> bool:
    """True when the production sink accepts only inserts."""
    return table.connector in APPEND_ONLY_CONNECTORS and declared_format(table)[0] not in CHANGELOG_FORMATS


def source_options(table: TableDef, path: Path, bounded: bool = True, fmt: SourceFormat | None = None
                   ) -> dict[str, str]:
    """The WITH options of the source that reads the test's rows from ``path``.

    Unbounded (the folder is watched for new files), the input never ends, so
    no final watermark closes the windows that the rows left open.
    """
    fmt = fmt or source_format(table)
    options = {"connector": "filesystem", "path": str(path), **fmt.with_options()}
    if not bounded:
        options["source.monitor-interval"] = "1 h"
    return options


def _without_clause(sql: str, span: tuple[int, int]) -> str:
    start, end = span
    while start > 0 and sql[start - 1].isspace():
        start -= 1
    return sql[:start] + sql[end:]


def source_ddl(sql: str, table: TableDef, path: Path, bounded: bool = True, fmt: SourceFormat | None = None) -> str:
    """The CREATE TABLE of a source (its SQL as compiled), reading ``path`` instead of its connector."""
    for clause in reversed(metadata_clauses(sql)):
        sql = _without_clause(sql, clause.clause_span)
    return replace_with(sql, source_options(table, path, bounded, fmt))


def sink_ddl(sql: str, path: Path | None = None) -> str:
    """The CREATE TABLE of a sink as a blackhole of the same columns.

    Metadata columns become plain columns (a VIRTUAL one, never written, a
    computed NULL of its type), so the INSERT's column list stays the same.
    With ``path`` (a sink of INSERT OVERWRITE, which a blackhole cannot take)
    it is a JSON filesystem table there instead.
    """
    for clause in reversed(metadata_clauses(sql)):
        if clause.virtual:
            t_start, t_end = clause.type_span
            sql = sql[:t_start] + f"AS CAST(NULL AS {sql[t_start:t_end]})" + sql[clause.clause_span[1]:]
        else:
            sql = _without_clause(sql, clause.clause_span)
    if path is not None:
        return replace_with(sql, {"connector": "filesystem", "path": str(path), "format": "json"})
    return replace_with(sql, {"connector": "blackhole"})
