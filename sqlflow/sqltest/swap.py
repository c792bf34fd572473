"""Swap a table's connector for a test, leaving the rest of its DDL as written.

A source keeps its columns, computed columns and WATERMARK; only its WITH
clause changes, to a bounded filesystem source over a JSON file written from
the test's rows (so event-time windows close when the input ends). Metadata
columns become plain columns whose values the test gives. A source that
yields a changelog (``upsert-kafka``, or a CDC format) reads ``debezium-json``
instead, so its rows update by primary key as they would in production.

A sink becomes a ``blackhole`` table of the same schema: the job's INSERT is
checked against it by Flink's planner, and the INSERT's query is collected.
"""

from __future__ import annotations

from pathlib import Path

from sqlflow.sqltest.job import TableDef
from sqlflow.sqltest.scan import metadata_clauses, with_clause

#: Formats whose records are changes (insert, update, delete), not plain rows.
CHANGELOG_FORMATS = ("debezium-json", "canal-json", "maxwell-json", "ogg-json", "debezium-avro-confluent")
#: Connectors that accept only inserts (an updating query into them fails in production).
APPEND_ONLY_CONNECTORS = ("kafka", "filesystem")


def is_changelog_source(table: TableDef) -> bool:
    """True when the table's rows are upserts or changes rather than appends."""
    fmt = table.options.get("format") or table.options.get("value.format") or ""
    return table.connector == "upsert-kafka" or fmt in CHANGELOG_FORMATS


def is_append_only_sink(table: TableDef) -> bool:
    """True when the production sink accepts only inserts."""
    fmt = table.options.get("format") or table.options.get("value.format") or ""
    return table.connector in APPEND_ONLY_CONNECTORS and fmt not in CHANGELOG_FORMATS


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _with(options: dict[str, str]) -> str:
    return "WITH (" + ", ".join(f"{_quote(k)} = {_quote(v)}" for k, v in options.items()) + ")"


def _replace_with(sql: str, options: dict[str, str]) -> str:
    span = with_clause(sql)
    if span is None:
        return sql.rstrip() + " " + _with(options)
    start, end = span
    return sql[:start] + _with(options) + sql[end:]


def source_options(table: TableDef, path: Path, bounded: bool = True) -> dict[str, str]:
    """The WITH options of the source that reads the test's rows.

    Unbounded (the folder is watched for new files), the input never ends, so
    no final watermark closes the windows that the rows left open.
    """
    fmt = "debezium-json" if is_changelog_source(table) else "json"
    options = {"connector": "filesystem", "path": str(path), "format": fmt}
    if not bounded:
        options["source.monitor-interval"] = "1 h"
    return options


def source_ddl(sql: str, table: TableDef, path: Path, bounded: bool = True) -> str:
    """The CREATE TABLE of a source, reading ``path`` (JSON lines) instead of its connector."""
    for clause in reversed(metadata_clauses(sql)):
        start, end = clause.clause_span
        while start > 0 and sql[start - 1].isspace():
            start -= 1
        sql = sql[:start] + sql[end:]
    return _replace_with(sql, source_options(table, path, bounded))


def sink_ddl(sql: str, path: Path | None = None) -> str:
    """The CREATE TABLE of a sink as a blackhole of the same columns.

    Metadata columns become plain columns (a VIRTUAL one, never written, a
    computed NULL of its type), so the INSERT's column list stays the same.
    With ``path`` (a sink of INSERT OVERWRITE, which a blackhole cannot take)
    it is a JSON filesystem table there instead.
    """
    for clause in reversed(metadata_clauses(sql)):
        start, end = clause.clause_span
        if clause.virtual:
            t_start, _ = clause.type_span
            type_text = sql[t_start:clause.type_span[1]]
            sql = sql[:t_start] + f"AS CAST(NULL AS {type_text})" + sql[end:]
        else:
            while start > 0 and sql[start - 1].isspace():
                start -= 1
            sql = sql[:start] + sql[end:]
    if path is not None:
        return _replace_with(sql, {"connector": "filesystem", "path": str(path), "format": "json"})
    return _replace_with(sql, {"connector": "blackhole"})
