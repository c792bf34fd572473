"""Run SQL tests on a Flink mini-cluster: the job's SQL as written, only the connectors swapped.

For each test: parse the job to find its tables, write the input rows as
JSON files, run every statement in order (sources and sinks with their WITH
clause swapped, see :mod:`sqlflow.sqltest.swap`), check each INSERT against
its sink with Flink's planner, collect each INSERT's query (its changelog
applied to final rows) and compare with the expected rows.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from sqlflow.config import Config, load_config
from sqlflow.errors import JobError, SqlflowError
from sqlflow.paths import find_project_root
from sqlflow.sqltest.changelog import apply_changelog
from sqlflow.sqltest.diff import TableDiff, compare, render_diff
from sqlflow.sqltest.job import Insert, JobFile, TableDef, python_functions, read_job
from sqlflow.sqltest.plan import TestPlan, expected_rows, plan_test, write_inputs
from sqlflow.sqltest.spec import SqlTest, TestSpecError, load_test, test_from_dict, test_name
from sqlflow.sqltest.swap import is_append_only_sink, sink_ddl, source_ddl
from sqlflow.sqltest.values import canonical, type_family
from sqlflow.flink.cluster import EmbeddedCluster
from sqlflow.flink.env import make_table_env, stage_python_files
from sqlflow.flink.java import cause_of, message_of, rejection
from sqlflow.udf.discover import check_udf

_SET = re.compile(r"^\s*SET\s+'([^']+)'\s*=\s*'((?:[^']|'')*)'\s*$", re.I | re.S)


@dataclass
class TestResult:
    """The outcome of one test: the table diffs, or the error that stopped it."""

    __test__ = False

    test: SqlTest | None
    file: str
    diffs: list[TableDiff] = field(default_factory=list)
    error: SqlflowError | None = None
    seconds: float = 0.0

    @property
    def name(self) -> str:
        return self.test.name if self.test else test_name(Path(self.file))

    @property
    def passed(self) -> bool:
        return self.error is None and all(d.ok for d in self.diffs)

    def report(self) -> str:
        """``PASS name (file)``, or ``FAIL`` and the diff of every failed table (or the error)."""
        head = f"{'PASS' if self.passed else 'FAIL'} {self.name} ({self.file})"
        if self.passed:
            return head
        parts = [head]
        if self.error is not None:
            parts.append(_indent(self.error.render()))
        parts.extend(_indent(render_diff(d)) for d in self.diffs if not d.ok)
        return "\n".join(parts)


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else line for line in text.splitlines())


class SqlTestRunner:
    """Runs tests on one mini-cluster (started on first use unless one is given)."""

    __test__ = False

    def __init__(self, cluster: EmbeddedCluster | None = None, config: Config | None = None,
                 workdir: Path | None = None):
        self._cluster = cluster
        self._own_cluster = cluster is None
        self.config = config
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="sqlflow-test-")
        self.workdir = Path(workdir or self._tmp.name)
        self._staged_root: Path | None = None

    @property
    def cluster(self) -> EmbeddedCluster:
        if self._cluster is None:
            self._cluster = EmbeddedCluster(rest_port=0, slots=4, parallelism=1).start()
        return self._cluster

    def close(self) -> None:
        """Stop the cluster if this runner started it, and remove its files."""
        if self._own_cluster and self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "SqlTestRunner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running ----------------------------------------------------------------------

    def run(self, test: SqlTest | Path | str | Mapping[str, Any], base: Path | str = ".") -> TestResult:
        """Run one test (a file, a parsed test, or a dict in the file's shape); never raises for a
        failing test: the result holds the diffs or the error."""
        started = time.monotonic()
        file = str(test) if isinstance(test, (str, Path)) else getattr(test, "file", "inline test")
        result = TestResult(test=None, file=file)
        try:
            if isinstance(test, (str, Path)):
                test = load_test(test)
            elif isinstance(test, Mapping):
                test = test_from_dict(test, base=base)
            result.test, result.file = test, test.file
            result.diffs = self._run(test)
        except SqlflowError as exc:
            result.error = exc
        finally:
            result.seconds = time.monotonic() - started
        return result

    def _config(self, test: SqlTest) -> Config:
        config = self.config or load_config(find_project_root(test.job.resolve().parent))
        return replace(config, vars={**config.vars, **test.vars})

    def _run(self, test: SqlTest) -> list[TableDiff]:
        config = self._config(test)
        job = read_job(test.job)
        plan = plan_test(test, job)
        for dotted, where in python_functions(job):  # a broken UDF module, named at its line
            check_udf(config.udfs_path, dotted, where)
        if job.batch and not test.end_of_input:
            raise TestSpecError(f"{job.path.name} is a batch job, so its inputs always end",
                                location=test.where_key(("end_of_input",)), rule="test-file")
        folder = Path(tempfile.mkdtemp(prefix="inputs-", dir=self.workdir))
        try:
            paths = write_inputs(test, plan, folder)
            t_env = self._table_env(config, test, streaming=not job.batch)
            self._create(t_env, job, plan, paths, config, bounded=test.end_of_input, folder=folder)
            for ins in job.inserts:
                self._check_insert(t_env, ins, config)
            return [self._collect_and_compare(t_env, test, job, plan, name, config) for name in test.expect]
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _table_env(self, config: Config, test: SqlTest, streaming: bool):
        staged = self.workdir / "pyfiles"
        if self._staged_root != config.root:  # stage each project's UDFs and models once
            stage_python_files(config.root, config.udfs_dir, config.models_dir, staged)
            _forget_modules(config.udfs_dir.name)
            self._staged_root = config.root
        t_env = make_table_env(streaming=streaming, rest_port=self.cluster.rest_port, python_files=[staged],
                               parallelism=1, config={**config.flink, "table.local-time-zone": "UTC"})
        t_env.get_config().set("pipeline.name", f"test {test.name}")
        return t_env

    def _create(self, t_env, job: JobFile, plan: TestPlan, paths: dict[str, Path], config: Config,
                bounded: bool, folder: Path) -> None:
        overwritten = {i.target for i in job.inserts if i.overwrite}
        for stmt in job.statements:
            if stmt.kind in ("insert", "statement_set"):
                continue
            sql = stmt.sql
            if stmt.kind == "create_table" and stmt.table in plan.sources:
                sql = source_ddl(sql, plan.sources[stmt.table], paths[stmt.table], bounded=bounded)
            elif stmt.kind == "create_table" and stmt.table in plan.sinks:
                sql = sink_ddl(sql, folder / f"sink-{stmt.table}" if stmt.table in overwritten else None)
            sql = config.substitute(sql, location=stmt.location)
            try:
                m = _SET.match(sql)
                if m:
                    t_env.get_config().set(m.group(1), m.group(2).replace("''", "'"))
                else:
                    t_env.execute_sql(sql)
            except Exception as exc:  # py4j: Flink rejected the statement
                raise rejection(exc, "Flink rejected this statement", stmt.location, sql) from None

    def _check_insert(self, t_env, ins: Insert, config: Config) -> None:
        sql = config.substitute(ins.sql, location=ins.location)
        try:
            t_env.explain_sql(sql)
        except Exception as exc:
            raise rejection(exc, "Flink rejected this INSERT", ins.location, sql) from None

    def _collect_and_compare(self, t_env, test: SqlTest, job: JobFile, plan: TestPlan, name: str,
                             config: Config) -> TableDiff:
        expectation = test.expect[name]
        table = plan.sinks[name]
        columns = tuple(c.name for c in table.persisted())
        changes: list[tuple[str, tuple]] = []
        for ins in plan.inserts[name]:
            rows_in = None if test.end_of_input else sum(
                len(test.inputs[t].rows) for t in job.tables_read_by(ins) if t in test.inputs)
            changes.extend(self._collect(t_env, ins, table, columns, config, test.timeout, rows_in))
        kinds = {k for k, _ in changes}
        key_idx = [columns.index(k) for k in table.primary_key if k in columns]
        rows = apply_changelog(changes, key=key_idx)
        types = {c.name: c.type for c in table.columns}
        produced = [{c: canonical(v, types.get(c)) for c, v in zip(columns, row)} for row in rows]
        expected, compared = expected_rows(test, expectation, table, columns)
        loc = test.where_key(("expect", name))
        diff = compare(name, f"{loc.file}:{loc.line}" if loc.line else "", expected, produced, compared,
                       key=expectation.key or table.primary_key, ordered=expectation.ordered,
                       tolerance=expectation.tolerance)
        if is_append_only_sink(table) and kinds - {"+I"}:
            diff.notes.append(f"{name} ('connector' = '{table.connector}') accepts only inserts, but the "
                              f"query produces updates ({', '.join(sorted(kinds - {'+I'}))})")
        return diff

    def _collect(self, t_env, ins: Insert, table: TableDef, columns: tuple[str, ...], config: Config,
                 timeout: float, rows_in: int | None = None) -> list[tuple[str, tuple]]:
        """The changes the INSERT's query emits: all of them (inputs end), or, with ``rows_in``
        (inputs stay open), those emitted once its sources have read that many rows and gone quiet."""
        query = collect_query(ins, table)
        sql = config.substitute(query, location=ins.location)
        try:
            result = t_env.execute_sql(sql)
        except Exception as exc:
            raise JobError(f"Flink could not run this INSERT's query: {message_of(exc)}",
                           location=ins.location, rule="flink") from None
        client = result.get_job_client()
        timer = threading.Timer(timeout, lambda: client.cancel() if client else None)
        timer.daemon = True
        timer.start()
        wanted = ins.columns or columns
        changes: list[tuple[str, tuple]] = []

        def read() -> None:
            with result.collect() as rows:
                for row in rows:
                    values = dict(zip(wanted, row))
                    changes.append((str(row.get_row_kind()), tuple(values.get(c) for c in columns)))

        try:
            if rows_in is None:
                read()
            else:
                reader = _Reader(read)
                try:
                    self._wait_quiet(client, rows_in, changes, reader, timeout, settle=_settle(t_env))
                finally:
                    client.cancel()
                reader.join(30)
                return list(changes)
        except SqlflowError as exc:
            raise JobError(f"the job for {ins.target} {exc.message}", location=ins.location,
                           rule=exc.rule) from None
        except Exception as exc:
            if not timer.is_alive():
                raise JobError(f"the job for {ins.target} did not finish within {timeout:.0f} s",
                               location=ins.location, rule="timeout") from None
            raise JobError(f"the job for {ins.target} failed: {self._failure(client, exc)}",
                           location=ins.location, rule="flink") from None
        finally:
            timer.cancel()
        return changes

    def _wait_quiet(self, client, rows_in: int, changes: list, reader: "_Reader", timeout: float,
                    settle: float = 3.0) -> None:
        """Wait until the job's sources have read ``rows_in`` rows and its output has not changed
        for ``settle`` seconds (the rows' last watermark has then passed through the job)."""
        job_id = str(client.get_job_id())
        deadline = time.monotonic() + timeout
        read_all = False
        last_count, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            if reader.error is not None:
                raise JobError(f"failed: {self._failure(client, reader.error)}", rule="flink")
            if not read_all:
                job = self.cluster.rest(f"/jobs/{job_id}")
                if job["state"] == "FAILED":
                    raise JobError(f"failed: {self._failure(client, RuntimeError('no cause given'))}", rule="flink")
                if job["state"] in ("CANCELED", "FINISHED"):
                    raise JobError(f"ended ({job['state']}) while its inputs were open", rule="flink")
                vertices = job.get("vertices") or []
                sources = [v for v in vertices if v.get("name", "").startswith("Source:")]
                running = all(v.get("status") == "RUNNING" for v in vertices)
                done = sum(int((v.get("metrics") or {}).get("read-records", 0)) for v in sources)
                read_all = running and done >= rows_in
                quiet_since = time.monotonic()
            elif len(changes) != last_count:
                last_count, quiet_since = len(changes), time.monotonic()
            elif time.monotonic() - quiet_since >= settle:
                return
            time.sleep(0.5)
        raise JobError(f"did not read its {rows_in} input rows within {timeout:.0f} s", rule="timeout")

    def _failure(self, client, exc: Exception) -> str:
        """The root cause of a failed job, from the cluster (the client only says the fetch failed)."""
        if client is not None:
            job_id = str(client.get_job_id())
            try:
                self.cluster.wait_for_job(job_id, states=("FAILED", "CANCELED", "FINISHED"), timeout=30)
                history = self.cluster.rest(f"/jobs/{job_id}/exceptions").get("exceptionHistory") or {}
            except (OSError, SqlflowError):
                history = {}
            for entry in history.get("entries") or []:
                cause = cause_of(entry.get("stacktrace") or "")
                if cause:
                    return cause
        return message_of(exc)


def _settle(t_env) -> float:
    """Seconds of quiet output that mean an open-input job is done: 3, or longer than a checkpoint
    interval (with checkpointing on, collected rows arrive at checkpoints)."""
    text = t_env.get_config().get_configuration().get_string("execution.checkpointing.interval", "")
    m = re.fullmatch(r"\s*(\d+)\s*(ms|s|sec|min|m|h)?\s*", text)
    if not m:
        return 3.0
    unit = {"ms": 0.001, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600}.get(m.group(2) or "ms", 0.001)
    return max(3.0, int(m.group(1)) * unit + 3.0)


class _Reader(threading.Thread):
    """Reads a collect iterator in the background, keeping the error that ended it."""

    def __init__(self, read) -> None:
        super().__init__(daemon=True)
        self._read = read
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self._read()
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            self.error = exc


def collect_query(ins: Insert, table: TableDef) -> str:
    """The INSERT's query, its columns cast to the sink's types as the INSERT would write them.

    TIMESTAMP_LTZ becomes TIMESTAMP (UTC, the test session's zone) so rows come back as plain
    datetimes.
    """
    wanted = ins.columns or tuple(c.name for c in table.persisted())
    types = {c.name: c.type for c in table.columns}
    aliases = [f"`c{i}`" for i in range(len(wanted))]
    exprs = []
    for alias, col in zip(aliases, wanted):
        type_text = types.get(col) or "STRING"
        if type_family(type_text) == "timestamp_ltz":
            m = re.search(r"\((\d+)\)", type_text)
            exprs.append(f"CAST(CAST(`q`.{alias} AS {type_text}) AS TIMESTAMP({m.group(1) if m else 6}))")
        else:
            exprs.append(f"CAST(`q`.{alias} AS {type_text})")
        exprs[-1] += f" AS `{col}`"
    return (f"SELECT {', '.join(exprs)}\nFROM (\n{ins.query}\n) AS `q`({', '.join(aliases)})")


def _forget_modules(package: str) -> None:
    """Drop an earlier project's UDF package from this process, so this project's is imported."""
    for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
        del sys.modules[name]


def run_tests(paths: list[Path], runner: SqlTestRunner) -> list[TestResult]:
    """Run every test file in ``paths`` (files or folders holding ``*.test.yaml``)."""
    return [runner.run(f) for f in find_tests(paths)]


def find_tests(paths: list[Path]) -> list[Path]:
    """The test files named, found under the folders named, or beside the job files named."""
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found.extend(sorted(f for f in {*p.rglob("*.test.yaml"), *p.rglob("*.test.yml")}
                                if ".sqlflow" not in f.relative_to(p).parts))
        elif p.is_file() and p.suffix == ".sql":  # a job: the tests beside it
            beside = [t for t in (p.with_suffix(".test.yaml"), p.with_suffix(".test.yml")) if t.is_file()]
            if not beside:
                raise SqlflowError(f"no test beside {p} (expected {p.with_suffix('.test.yaml').name})",
                                   rule="test-file")
            found.extend(beside)
        elif p.is_file():
            found.append(p)
        else:
            raise SqlflowError(f"no such test file or folder: {p}", rule="test-file")
    return found
