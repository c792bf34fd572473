"""Check a test against its job and decide what each table becomes: source, sink, or left alone.

Every problem is reported at its place, all of them at once: a table named in
the test that the job lacks points at the test's key (with "did you mean"), a
table the job reads but the test gives no rows for points at the test and
names the table, a value the table's format refuses points at the value and
says what the format reads instead.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlflow.compiler.catalog import Column, TableDef
from sqlflow.errors import Location, SqlflowError, did_you_mean
from sqlflow.sqltest.diff import ExpectedRow
from sqlflow.sqltest.formats import Cell, SourceFormat, csv_field, csv_line, json_text, partition_dir, \
    payload_columns, source_format, typed_value, write_lines
from sqlflow.sqltest.shapes import Refusal, check_csv, check_json, shown
from sqlflow.sqltest.spec import Expectation, SqlTest, TableRows, TestSpecError, raise_all
from sqlflow.sqltest.subject import JobInsert, JobUnderTest
from sqlflow.sqltest.values import BadValue, canonical


@dataclass(frozen=True)
class TestPlan:
    """Which tables are swapped for sources and sinks, how each source reads its rows, and the INSERTs
    to collect per sink."""

    __test__ = False

    sources: dict[str, TableDef]
    sinks: dict[str, TableDef]
    inserts: dict[str, list[JobInsert]]  # expected sink -> its INSERTs
    formats: dict[str, SourceFormat]  # source -> the format its swapped table reads


def _where(test: SqlTest, path: tuple) -> str:
    loc = test.where(path)
    return f"{loc.file}:{loc.line}" if loc.line else ""


def plan_test(test: SqlTest, job: JobUnderTest) -> TestPlan:
    """Match the test's tables and rows with the job's; every mismatch (and every mistake the test
    file holds) is raised together."""
    errors: list[SqlflowError] = list(test.problems)
    job_name = job.name
    written = job.written

    def fail(message: str, location: Location, rule: str = "test-table", hint: str | None = None) -> None:
        errors.append(TestSpecError(message, location=location, rule=rule, hint=hint))

    sources: dict[str, TableDef] = {}
    meant: set[str] = set()  # tables a misspelt input name stands for: not reported as missing too
    for name in test.inputs:
        where = test.where_key(("inputs", name))
        table = job.tables.get(name)
        if table is None:
            near = did_you_mean(name, job.tables)
            meant.add(near or "")
            fail(f"inputs name table '{name}', which {job_name} does not create", where,
                 hint=f"did you mean '{near}'?" if near else "tables: " + (", ".join(sorted(job.tables)) or "none"))
        elif name in written:
            fail(f"'{name}' is written by {job_name}, so it cannot be given as an input", where)
        elif table.like is not None or _as_select(job, name):
            how = "LIKE" if table.like is not None else "AS SELECT"
            fail(f"'{name}' is declared with {how}; a test can only replace tables whose columns are written out",
                 where)
        else:
            sources[name] = table
    for name in test.expect:
        where = test.where_key(("expect", name))
        if name not in written:
            near = did_you_mean(name, written)
            fail(f"expect names table '{name}', which {job_name} does not INSERT into", where,
                 hint=f"did you mean '{near}'?" if near else "written tables: " + (", ".join(sorted(written)) or "none"))
        elif name not in job.tables:
            fail(f"'{name}' is not created in {job_name}, so its columns are unknown", where)
        elif job.tables[name].like is not None or _as_select(job, name):
            fail(f"'{name}' is declared with LIKE or AS SELECT; a test can only collect tables whose columns are "
                 "written out", where)
    for name, where in job.reads.items():
        at = f"{where.file}:{where.line}:{where.column}"
        if name in job.tables and name in written:
            fail(f"{job_name} writes table '{name}' and reads it back (at {at}); a test cannot replace such a "
                 "table yet", test.where(()), hint="split the job in two files and test each")
        elif name in job.tables and name not in test.inputs and name not in meant:
            fail(f"{job_name} reads table '{name}' (at {at}), but the test gives no rows for it",
                 test.where_key(("inputs",)) if ("inputs",) in test.locations.keys else test.where(()),
                 rule="missing-input", hint=f"add 'inputs: {{{name}: []}}' for an empty input")
    if job.batch and not test.end_of_input:
        fail(f"{job_name} is a batch job, so its inputs always end", test.where_key(("end_of_input",)),
             rule="test-file")
    formats = {name: source_format(table, test.inputs[name].rows) for name, table in sources.items()}
    for name, table in sources.items():
        input_lines(test, test.inputs[name], table, formats[name], job, errors)
    sinks = {name: job.tables[name] for name in written if name in job.tables}
    for name, expectation in test.expect.items():
        if name in sinks and name in written:
            table = sinks[name]
            expected_rows(test, expectation, table, tuple(c.name for c in table.columns if c.persisted), errors)
    raise_all(errors)
    return TestPlan(sources=sources, sinks=sinks,
                    inserts={name: [i for i in job.inserts if i.target == name] for name in test.expect},
                    formats=formats)


def _as_select(job: JobUnderTest, name: str) -> bool:
    s = job.table_statements.get(name)
    return s is not None and s.node is not None and s.node.expression is not None


def _cells(test: SqlTest, rows: TableRows, i: int, columns: list[Column], fmt: SourceFormat) -> dict[str, Cell]:
    """The row's values by column. A date or time given as a Python object (a test built from a dict)
    is written in the shape its column's format reads, as a producer serializes a typed value."""
    row = rows.rows[i]
    out = {}
    for c in columns:
        if c.name not in row:
            out[c.name] = Cell(None, given=False)
            continue
        value, text = row[c.name], test.text((*rows.path, i, c.name))
        if text is None and isinstance(value, (dt.date, dt.time)):
            try:
                text = str(typed_value(value, c.type, fmt))
            except BadValue:
                pass
        out[c.name] = Cell(value, text)
    return out


def input_lines(test: SqlTest, rows: TableRows, table: TableDef, fmt: SourceFormat | None = None,
                job: JobUnderTest | None = None, errors: list[SqlflowError] | None = None
                ) -> list[tuple[str, str]]:
    """The records of an input table, ``(partition folder, line)``, as a producer of the format writes them;
    the values the format refuses are reported (into ``errors``, else raised)."""
    fmt = fmt or source_format(table, rows.rows)
    found: list[SqlflowError] = []
    columns = payload_columns(table)
    readable = {c.name: c for c in table.columns if c.kind != "computed"}
    computed = {c.name for c in table.columns if c.kind == "computed"}
    lenient_only = not fmt.exact
    checking = fmt.options.get("ignore-parse-errors", "false").lower() != "true"
    note = _format_note(table, fmt, job)
    missing_fails = fmt.name == "json" and fmt.exact and checking \
        and fmt.options.get("fail-on-missing-field", "false").lower() == "true"
    records: list[tuple[str, dict[str, Any] | list[str | None]]] = []
    for i, row in enumerate(rows.rows):
        bad = False
        for col in row:
            path = (*rows.path, i, col)
            if col in computed:
                found.append(TestSpecError(f"'{col}' is a computed column of {table.name}; give the columns it is "
                                           "computed from", location=test.where_key(path), rule="test-row"))
                bad = True
            elif col not in readable:
                near = did_you_mean(col, readable)
                found.append(TestSpecError(f"table {table.name} has no column '{col}'", location=test.where_key(path),
                                           rule="test-row", hint=f"did you mean '{near}'?" if near else
                                           "columns: " + ", ".join(readable)))
                bad = True
        cells = _cells(test, rows, i, columns, fmt)
        if missing_fails:
            left_out = [c for c, cell in cells.items() if not cell.given and readable[c].kind == "physical"]
            if left_out:
                found.append(TestSpecError(
                    f"this row of {table.name} leaves out {', '.join(left_out)}, and json refuses a record without "
                    "a field ('json.fail-on-missing-field' = 'true')", location=test.where((*rows.path, i)),
                    rule="test-row", hint="give every column (null for none)", notes=[note] if note else []))
                bad = True
        values: dict[str, Any] = {}
        fields: list[str | None] = []
        for col, cell in cells.items():
            column = readable[col]
            path = (*rows.path, i, col)
            refusal: Refusal | None = None
            field: str | None = None
            if column.kind == "metadata" or lenient_only:  # no producer writes it: converted to its type
                try:
                    value = None if cell.value is None else typed_value(cell.value, column.type, fmt)
                except BadValue as exc:
                    found.append(TestSpecError(f"bad value for {table.name}.{col} ({column.type}): {exc}",
                                               location=test.where(path), rule="test-row"))
                    bad = True
                    continue
                if fmt.name == "csv":
                    field = csv_field(value, None, column.type, fmt.options)
                    refusal = check_csv(None, column.type) if field is None and checking else None
                elif cell.given or (column.kind == "metadata" and missing_fails):
                    values[col] = value
            elif fmt.name == "csv":
                field = csv_field(cell.value, cell.text, column.type, fmt.options)
                if checking and (cell.value is not None or field is None):  # a null literal reads as null
                    refusal = check_csv(field, column.type, cell.value)
            elif cell.given:
                values[col] = (cell.value, cell.text)
                if checking and fmt.name != "raw":
                    refusal = check_json(cell.value, column.type, fmt.options, cell.text)
            if fmt.name == "csv":
                fields.append(field)
            if refusal is not None:
                if cell.given:
                    message = (f"bad value for {table.name}.{col} ({column.type}): {refusal.reason}, "
                               f"not {shown(cell.value, cell.text)}")
                else:
                    message = f"{table.name}.{col} ({column.type}) is left out of this row: {refusal.reason}"
                found.append(TestSpecError(message, location=test.where(path if cell.given else (*rows.path, i)),
                                           rule="test-row", hint=refusal.hint, notes=[note] if note else []))
                bad = True
        if not bad:
            records.append((partition_dir([(p, row.get(p)) for p in table.partitioned_by]),
                            fields if fmt.name == "csv" else values))
    if errors is not None:
        errors.extend(found)
    else:
        raise_all(found)
    return [(folder, _line(fmt, table, columns, rec)) for folder, rec in _changes(records, table, fmt)]


def _format_note(table: TableDef, fmt: SourceFormat, job: JobUnderTest | None) -> str | None:
    """Where the table says its format, for messages about what the format refuses."""
    if not fmt.exact:
        return None
    key = "format" if "format" in table.options else "value.format"
    loc = table.option_locations.get(key)
    if job is not None:
        loc = job.shown(loc)
    at = f" at {loc.file}:{loc.line}:{loc.column}" if loc is not None and loc.line else ""
    return (f"{table.name} reads {fmt.declared} ('{key}' = '{fmt.declared}'{at}): the test writes each row as its "
            "producers do, and the real job refuses this value the same way")


def _changes(records: list, table: TableDef, fmt: SourceFormat) -> list:
    """Rows of an upsert source as debezium-json changes: a later row with the same key updates."""
    if not fmt.changelog:
        return records
    last: dict[tuple, dict] = {}
    out = []
    for n, (folder, rec) in enumerate(records):
        key = tuple(_plain(rec.get(c)) for c in table.primary_key) if table.primary_key else (n,)
        before = last.get(key)
        out.append((folder, {"before": before, "after": rec, "op": "u" if before is not None else "c"}))
        last[key] = rec
    return out


def _plain(value: Any) -> Any:
    return value[0] if isinstance(value, tuple) else value


def _json_record(record: dict[str, Any]) -> str:
    parts = []
    for col, value in record.items():
        text = json_text(*value) if isinstance(value, tuple) else json_text(value)
        parts.append(f"{json.dumps(col)}: {text}")
    return "{" + ", ".join(parts) + "}"


def _line(fmt: SourceFormat, table: TableDef, columns: list[Column], record: Any) -> str:
    if fmt.name == "csv":
        return csv_line(record, fmt.options)
    if fmt.name == "raw":
        value = record[columns[0].name]
        return str(_plain(value))
    if fmt.changelog:
        before, after = record["before"], record["after"]
        return (f'{{"before": {_json_record(before) if before is not None else "null"}, '
                f'"after": {_json_record(after)}, "op": {json.dumps(record["op"])}}}')
    return _json_record(record)


def write_inputs(test: SqlTest, plan: TestPlan, folder: Path) -> dict[str, Path]:
    """Write each input table's rows under ``folder``, one line a record in its format; returns table ->
    directory (a partitioned table's rows go into one folder per partition, as Flink names them)."""
    paths = {}
    for name, rows in test.inputs.items():
        table = plan.sources[name]
        fmt = plan.formats.get(name) or source_format(table, rows.rows)
        directory = folder / name
        directory.mkdir(parents=True, exist_ok=True)
        extension = {"csv": "csv", "raw": "txt"}.get(fmt.name, "json")
        write_lines(directory, input_lines(test, rows, table, fmt), extension)
        paths[name] = directory
    return paths


def input_texts(test: SqlTest, plan: TestPlan) -> dict[str, list[tuple[str, Location]]]:
    """Each source's written lines with the place of their row in the test file (to find the row a
    Flink decoder refused)."""
    out: dict[str, list[tuple[str, Location]]] = {}
    for name, rows in test.inputs.items():
        table = plan.sources[name]
        lines = input_lines(test, rows, table, plan.formats.get(name))
        out[name] = [(line, test.where((*rows.path, i))) for i, (_, line) in enumerate(lines)]
    return out


def expected_rows(test: SqlTest, expectation: Expectation, table: TableDef, columns: tuple[str, ...],
                  errors: list[SqlflowError] | None = None) -> tuple[list[ExpectedRow], tuple[str, ...]]:
    """The expected rows in canonical form, and the columns they name (in the sink's order); mistakes go
    into ``errors`` (else they are raised)."""
    found: list[SqlflowError] = []
    types = {c.name: str(c.type) for c in table.columns}
    named: set[str] = set()
    for i, row in enumerate(expectation.rows):
        for col in row:
            if col not in columns:
                near = did_you_mean(col, columns)
                found.append(TestSpecError(f"{table.name} has no written column '{col}'",
                                           location=test.where_key((*expectation.path, i, col)), rule="test-row",
                                           hint=f"did you mean '{near}'?" if near else "columns: " + ", ".join(columns)))
            else:
                named.add(col)
    compared = tuple(c for c in columns if c in named) or columns
    out = []
    for i, row in enumerate(expectation.rows):
        values = {}
        for col in compared:
            try:
                values[col] = canonical(row.get(col), types.get(col))
            except BadValue as exc:
                found.append(TestSpecError(f"bad value for {table.name}.{col} ({types.get(col)}): {exc}",
                                           location=test.where((*expectation.path, i, col)), rule="test-row"))
        out.append(ExpectedRow(values, _where(test, (*expectation.path, i))))
    for k in expectation.key or ():
        if k not in compared:
            found.append(TestSpecError(f"key column '{k}' is not among the compared columns",
                                       location=test.where((*expectation.table_path, "key")), rule="test-file",
                                       hint="compared: " + ", ".join(compared)))
    if errors is not None:
        errors.extend(found)
    else:
        raise_all(found)
    return out, compared
