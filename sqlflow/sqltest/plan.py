"""Check a test against its job and decide what each table becomes: source, sink, or left alone.

Every problem is reported at its place: a table named in the test that the
job lacks points at the test's key (with "did you mean"), a table the job
reads but the test gives no rows for points at the test and names the table.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlflow.errors import did_you_mean
from sqlflow.sqltest.job import Insert, JobFile, TableDef
from sqlflow.sqltest.spec import Expectation, SqlTest, TableRows, TestSpecError
from sqlflow.sqltest.diff import ExpectedRow
from sqlflow.sqltest.swap import is_changelog_source
from sqlflow.sqltest.values import BadValue, canonical, to_input


@dataclass(frozen=True)
class TestPlan:
    """Which tables are swapped for sources and sinks, and the INSERTs to collect per sink."""

    __test__ = False

    sources: dict[str, TableDef]
    sinks: dict[str, TableDef]
    inserts: dict[str, list[Insert]]  # expected sink -> its INSERTs


def _where(test: SqlTest, path: tuple) -> str:
    loc = test.where(path)
    return f"{loc.file}:{loc.line}" if loc.line else ""


def plan_test(test: SqlTest, job: JobFile) -> TestPlan:
    """Match the test's tables with the job's; raise TestSpecError on any mismatch."""
    job_name = job.path.name
    for name in test.inputs:
        if name not in job.tables:
            near = did_you_mean(name, job.tables)
            raise TestSpecError(f"inputs name table '{name}', which {job_name} does not create",
                                location=test.where_key(("inputs", name)), rule="test-table",
                                hint=f"did you mean '{near}'?" if near else
                                "tables: " + (", ".join(sorted(job.tables)) or "none"))
        table = job.tables[name]
        if name in job.written:
            raise TestSpecError(f"'{name}' is written by {job_name}, so it cannot be given as an input",
                                location=test.where_key(("inputs", name)), rule="test-table")
        if table.like or table.as_select:
            how = "LIKE" if table.like else "AS SELECT"
            raise TestSpecError(f"'{name}' is declared with {how}; a test can only replace tables whose "
                                "columns are written out", location=test.where_key(("inputs", name)),
                                rule="test-table")
    written = job.written
    for name in test.expect:
        if name not in written:
            near = did_you_mean(name, written)
            raise TestSpecError(f"expect names table '{name}', which {job_name} does not INSERT into",
                                location=test.where_key(("expect", name)), rule="test-table",
                                hint=f"did you mean '{near}'?" if near else
                                "written tables: " + (", ".join(sorted(written)) or "none"))
        if name not in job.tables:
            raise TestSpecError(f"'{name}' is not created in {job_name}, so its columns are unknown",
                                location=test.where_key(("expect", name)), rule="test-table")
        if job.tables[name].like or job.tables[name].as_select:
            raise TestSpecError(f"'{name}' is declared with LIKE or AS SELECT; a test can only collect "
                                "tables whose columns are written out", location=test.where_key(("expect", name)),
                                rule="test-table")
    for name, where in job.reads.items():
        at = f"{where.file}:{where.line}:{where.column}"
        if name in job.tables and name in written:
            raise TestSpecError(f"{job_name} writes table '{name}' and reads it back (at {at}); a test cannot "
                                "replace such a table yet", location=test.where(()), rule="test-table",
                                hint="split the job in two files and test each")
        if name in job.tables and name not in test.inputs:
            raise TestSpecError(
                f"{job_name} reads table '{name}' (at {at}), but the test gives no rows for it",
                location=test.where_key(("inputs",)) if ("inputs",) in test.locations.keys else test.where(()),
                rule="missing-input", hint=f"add 'inputs: {{{name}: []}}' for an empty input")
    sinks = {name: job.tables[name] for name in written if name in job.tables}
    return TestPlan(
        sources={name: job.tables[name] for name in test.inputs},
        sinks=sinks,
        inserts={name: [i for i in job.inserts if i.target == name] for name in test.expect},
    )


def input_records(test: SqlTest, rows: TableRows, table: TableDef) -> list[dict[str, Any]]:
    """The JSON records of an input table, each value in the form Flink's json format reads."""
    readable = {c.name: c for c in table.columns if c.kind != "computed"}
    computed = {c.name for c in table.columns if c.kind == "computed"}
    records = []
    for i, row in enumerate(rows.rows):
        rec: dict[str, Any] = {}
        for col, value in row.items():
            path = (*rows.path, i, col)
            if col in computed:
                raise TestSpecError(f"'{col}' is a computed column of {table.name}; give the columns it is "
                                    "computed from", location=test.where_key(path), rule="test-row")
            if col not in readable:
                near = did_you_mean(col, readable)
                raise TestSpecError(f"table {table.name} has no column '{col}'", location=test.where_key(path),
                                    rule="test-row", hint=f"did you mean '{near}'?" if near else
                                    "columns: " + ", ".join(readable))
            try:
                rec[col] = to_input(value, readable[col].type)
            except BadValue as exc:
                raise TestSpecError(f"bad value for {table.name}.{col} ({readable[col].type}): {exc}",
                                    location=test.where(path), rule="test-row") from None
        records.append(rec)
    if is_changelog_source(table):
        return _as_changes(records, table.primary_key)
    return records


def _as_changes(records: list[dict], key: tuple[str, ...]) -> list[dict]:
    """Rows of an upsert source as debezium-json changes: a later row with the same key updates."""
    last: dict[tuple, dict] = {}
    out = []
    for rec in records:
        k = tuple(rec.get(c) for c in key) if key else (len(out),)
        before = last.get(k)
        out.append({"before": before, "after": rec, "op": "u" if before is not None else "c"})
        last[k] = rec
    return out


def write_inputs(test: SqlTest, plan: TestPlan, folder: Path) -> dict[str, Path]:
    """Write each input table's rows as JSON lines under ``folder``; returns table -> directory."""
    paths = {}
    for name, rows in test.inputs.items():
        table = plan.sources[name]
        directory = folder / name
        directory.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps(r, default=_json_default) for r in input_records(test, rows, table)]
        (directory / "rows.json").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        paths[name] = directory
    return paths


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time)):
        return str(value)
    raise TypeError(f"cannot write {value!r} as JSON")


def expected_rows(test: SqlTest, expectation: Expectation, table: TableDef,
                  columns: tuple[str, ...]) -> tuple[list[ExpectedRow], tuple[str, ...]]:
    """The expected rows in canonical form, and the columns they name (in the sink's order)."""
    types = {c.name: c.type for c in table.columns}
    named: set[str] = set()
    for i, row in enumerate(expectation.rows):
        for col in row:
            if col not in columns:
                near = did_you_mean(col, columns)
                raise TestSpecError(f"{table.name} has no written column '{col}'",
                                    location=test.where_key((*expectation.path, i, col)), rule="test-row",
                                    hint=f"did you mean '{near}'?" if near else "columns: " + ", ".join(columns))
            named.add(col)
    compared = tuple(c for c in columns if c in named) or columns
    out = []
    for i, row in enumerate(expectation.rows):
        values = {}
        for col in compared:
            try:
                values[col] = canonical(row.get(col), types.get(col))
            except BadValue as exc:
                raise TestSpecError(f"bad value for {table.name}.{col} ({types.get(col)}): {exc}",
                                    location=test.where((*expectation.path, i, col)), rule="test-row") from None
        out.append(ExpectedRow(values, _where(test, (*expectation.path, i))))
    if expectation.key:
        for k in expectation.key:
            if k not in compared:
                raise TestSpecError(f"key column '{k}' is not among the compared columns",
                                    location=test.where((*expectation.table_path, "key")), rule="test-file",
                                    hint="compared: " + ", ".join(compared))
    return out, compared
