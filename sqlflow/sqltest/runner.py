"""Run SQL tests on a Flink mini-cluster: the job as compiled, only the connectors swapped.

For each test: take the job from the compiled project (compiled with the
test's ``vars``; one compile per project and set of vars), match the test's
tables and rows with it (every mistake reported at once), write the input
rows as the tables' own formats have them, run every statement of the job's
session in order (sources and sinks with their WITH clause swapped, see
:mod:`sqlflow.sqltest.swap`), check each INSERT against its sink with
Flink's planner, collect each INSERT's query (its changelog applied to final
rows) and compare with the expected rows.
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

from sqlflow.compiler.catalog import TableDef
from sqlflow.compiler.compiled import CompiledProject, compile_project
from sqlflow.config import Config, load_config
from sqlflow.errors import Diagnostics, JobError, Location, SqlflowError
from sqlflow.flink.cluster import EmbeddedCluster
from sqlflow.flink.env import job_table_env, stage_python_files
from sqlflow.flink.java import cause_of, java_text, message_of, statement_error
from sqlflow.flink.job import register_predict
from sqlflow.paths import find_project_root
from sqlflow.sqltest.changelog import apply_changelog
from sqlflow.sqltest.diff import TableDiff, compare, render_diff
from sqlflow.sqltest.plan import TestPlan, expected_rows, input_texts, plan_test, write_inputs
from sqlflow.sqltest.spec import SqlTest, TestSpecError, read_test, test_from_dict, test_name
from sqlflow.sqltest.subject import JobInsert, JobUnderTest, is_insert, job_under_test, outside_sql_folder
from sqlflow.sqltest.swap import is_append_only_sink, sink_ddl, source_ddl
from sqlflow.sqltest.values import canonical, type_family
from sqlflow.udf.discover import check_udf

#: How Flink's decoders name the record they refused: json gives the record, csv only the field.
_REFUSED_JSON = re.compile(r"Failed to deserialize JSON '(.*)'\.\s*$", re.M)
_REFUSED_FIELD = re.compile(r"Fail to deserialize at field: (.+?)\.?\s*$", re.M)


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
    """Runs tests on one mini-cluster (started on first use unless one is given).

    ``config`` is the project's configuration (else each test's job finds its own
    project); ``compiled`` its compiled form, when the caller has it already
    (tests without ``vars`` of their own then compile nothing).
    """

    __test__ = False

    def __init__(self, cluster: EmbeddedCluster | None = None, config: Config | None = None,
                 workdir: Path | None = None, compiled: CompiledProject | None = None):
        self._cluster = cluster
        self._own_cluster = cluster is None
        self.config = config if config is not None else (compiled.config if compiled is not None else None)
        self._tmp = None if workdir else tempfile.TemporaryDirectory(prefix="sqlflow-test-")
        self.workdir = Path(workdir or self._tmp.name)
        self._staged: tuple | None = None
        self._configs: dict[Path, Config] = {}
        self._projects: dict[tuple, CompiledProject] = {}
        if compiled is not None:
            self._projects[_project_key(compiled.config, None)] = compiled

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
        failing test: the result holds the diffs or the error (every mistake of the test file)."""
        started = time.monotonic()
        file = str(test) if isinstance(test, (str, Path)) else getattr(test, "file", "inline test")
        result = TestResult(test=None, file=file)
        try:
            if isinstance(test, (str, Path)):
                test = read_test(test)
            elif isinstance(test, Mapping):
                test = test_from_dict(test, base=base, strict=False)
            result.test, result.file = test, test.file
            result.diffs = self._run(test)
        except SqlflowError as exc:
            result.error = exc
        finally:
            result.seconds = time.monotonic() - started
        return result

    def compiled(self, test: SqlTest) -> tuple[Config, CompiledProject]:
        """The test's project compiled with its ``vars`` (one compile per project and set of vars). A job
        outside the project's SQL folder is compiled on its own."""
        job = test.job.resolve()
        root = find_project_root(job.parent)
        base = self.config if self.config is not None and self.config.root == root else self._configs.get(root)
        if base is None:
            base = self._configs[root] = load_config(root)
        config = replace(base, vars={**base.vars, **test.vars}) if test.vars else base
        alone = outside_sql_folder(base, job)
        key = _project_key(config, alone)
        if key not in self._projects:
            self._projects[key] = compile_project(config=config, paths=[alone] if alone else None)
        return config, self._projects[key]

    def prepare(self, test: SqlTest, folder: Path) -> "Prepared":
        """Everything a test needs before Flink: its job compiled, the test matched against the job (every
        mistake raised together), its UDF modules checked, its input rows written into ``folder`` as the
        sources' formats read them and each expected table's collecting query built. Starts no cluster."""
        config, compiled = self.compiled(test)
        job = job_under_test(compiled, test.job)
        _stop_at(compiled, job, rule="syntax")
        plan = plan_test(test, job)
        _stop_at(compiled, job, rule="undefined-variable", swapped={*plan.sources, *plan.sinks})
        for dotted, where in job.python_functions():  # a broken UDF module, named at its line
            check_udf(config.udfs_path, dotted, where)
        paths = write_inputs(test, plan, folder)
        queries = {name: [collect_query(ins, plan.sinks[name]) for ins in plan.inserts[name]] for name in test.expect}
        return Prepared(config, _Run(test, job, plan, input_texts(test, plan), config.root), paths, queries)

    def _run(self, test: SqlTest) -> list[TableDiff]:
        folder = Path(tempfile.mkdtemp(prefix="inputs-", dir=self.workdir))
        try:
            ready = self.prepare(test, folder)
            config, run, paths = ready.config, ready.run, ready.paths
            job = run.job
            t_env = self._table_env(config, job, test, streaming=not job.batch)
            self._create(t_env, run, paths, bounded=test.end_of_input, folder=folder)
            for ins in job.inserts:
                self._check_insert(t_env, job, ins)
            return [self._collect_and_compare(t_env, run, name) for name in test.expect]
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _table_env(self, config: Config, job: JobUnderTest, test: SqlTest, streaming: bool):
        staged = self.workdir / "pyfiles"
        key = (config.root, job.job.modules)
        if self._staged != key:  # stage each project's UDFs and models (and a job's lowered modules) once
            stage_python_files(config.root, config.udfs_dir, config.models_dir, staged, job.job.modules)
            _forget_modules(config.udfs_dir.name)
            self._staged = key
        t_env = job_table_env(job.job, streaming=streaming, rest_port=self.cluster.rest_port, python_files=[staged],
                              parallelism=1, config={**config.flink, "table.local-time-zone": "UTC"})
        t_env.get_config().set("pipeline.name", f"test {test.name}")
        return t_env

    def _create(self, t_env, run: "_Run", paths: dict[str, Path], bounded: bool, folder: Path) -> None:
        """Run the session's statements but the INSERTs, sources and sinks swapped."""
        job, plan = run.job, run.plan
        overwritten = {i.target for i in job.inserts if i.overwrite}
        for s in job.statements:
            for step in s.predicts:  # the views of native model steps, as a run makes them
                register_predict(t_env, step, run.root)
            if is_insert(s):  # run on their own, each collected
                continue
            table = s.info.definition.name if s.kind == "table" and s.info and s.info.definition else None
            statement = s
            if table in plan.sources:
                statement = replace(s, sql=source_ddl(s.sql, plan.sources[table], paths[table], bounded=bounded,
                                                      fmt=plan.formats[table]))
            elif table in plan.sinks:
                statement = replace(s, sql=sink_ddl(s.sql, folder / f"sink-{table}" if table in overwritten
                                                    else None))
            try:
                pair = s.set_pair()
                if pair is not None:
                    if pair[0] != "execution.runtime-mode":  # the environment is in the job's mode already
                        t_env.get_config().set(*pair)
                else:
                    t_env.execute_sql(statement.sql)
            except Exception as exc:  # py4j: Flink rejected the statement
                raise job.show_error(statement_error(exc, "Flink rejected this statement", statement)) from None

    def _check_insert(self, t_env, job: JobUnderTest, ins: JobInsert) -> None:
        try:
            t_env.explain_sql(ins.sql)
        except Exception as exc:
            raise job.show_error(statement_error(exc, "Flink rejected this INSERT", ins.statement)) from None

    def _collect_and_compare(self, t_env, run: "_Run", name: str) -> TableDiff:
        test, job, plan = run.test, run.job, run.plan
        expectation = test.expect[name]
        table = plan.sinks[name]
        columns = tuple(c.name for c in table.columns if c.persisted)
        changes: list[tuple[str, tuple]] = []
        for ins in plan.inserts[name]:
            rows_in = None if test.end_of_input else sum(
                len(test.inputs[t].rows) for t in job.tables_read_by(ins) if t in test.inputs)
            changes.extend(self._collect(t_env, run, ins, table, columns, rows_in))
        kinds = {k for k, _ in changes}
        key_idx = [columns.index(k) for k in table.primary_key if k in columns]
        rows = apply_changelog(changes, key=key_idx)
        types = {c.name: str(c.type) for c in table.columns}
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

    def _collect(self, t_env, run: "_Run", ins: JobInsert, table: TableDef, columns: tuple[str, ...],
                 rows_in: int | None = None) -> list[tuple[str, tuple]]:
        """The changes the INSERT's query emits: all of them (inputs end), or, with ``rows_in``
        (inputs stay open), those emitted once its sources have read that many rows and gone quiet."""
        timeout = run.test.timeout
        try:
            result = t_env.execute_sql(collect_query(ins, table))
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
                    self._wait_quiet(run, client, rows_in, changes, reader, timeout, settle=_settle(t_env))
                finally:
                    client.cancel()
                reader.join(30)
                return list(changes)
        except TestSpecError:
            raise
        except SqlflowError as exc:
            raise JobError(f"the job for {ins.target} {exc.message}", location=ins.location,
                           rule=exc.rule) from None
        except Exception as exc:
            if not timer.is_alive():
                raise JobError(f"the job for {ins.target} did not finish within {timeout:.0f} s",
                               location=ins.location, rule="timeout") from None
            raise JobError(f"the job for {ins.target} failed: {self._failure(run, client, exc)}",
                           location=ins.location, rule="flink") from None
        finally:
            timer.cancel()
        return changes

    def _wait_quiet(self, run: "_Run", client, rows_in: int, changes: list, reader: "_Reader", timeout: float,
                    settle: float = 3.0) -> None:
        """Wait until the job's sources have read ``rows_in`` rows and its output has not changed
        for ``settle`` seconds (the rows' last watermark has then passed through the job)."""
        job_id = str(client.get_job_id())
        deadline = time.monotonic() + timeout
        read_all = False
        last_count, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            if reader.error is not None:
                raise JobError(f"failed: {self._failure(run, client, reader.error)}", rule="flink")
            if not read_all:
                job = self.cluster.rest(f"/jobs/{job_id}")
                if job["state"] == "FAILED":
                    raise JobError(f"failed: {self._failure(run, client, RuntimeError('no cause given'))}",
                                   rule="flink")
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

    def _failure(self, run: "_Run", client, exc: BaseException) -> str:
        """The root cause of a failed job, from the cluster (the client only says the fetch failed). A
        record a source's format refused raises a TestSpecError at its row in the test file."""
        texts = [java_text(exc)]
        if client is not None:
            job_id = str(client.get_job_id())
            try:
                self.cluster.wait_for_job(job_id, states=("FAILED", "CANCELED", "FINISHED"), timeout=30)
                history = self.cluster.rest(f"/jobs/{job_id}/exceptions").get("exceptionHistory") or {}
            except (OSError, SqlflowError):
                history = {}
            texts = [e.get("stacktrace") or "" for e in history.get("entries") or []] + texts
        for text in texts:
            refused = run.refused(text)
            if refused is not None:
                raise refused
        for text in texts[:-1]:
            cause = cause_of(text)
            if cause:
                return cause
        return message_of(exc)


@dataclass
class Prepared:
    """A test ready for Flink (:meth:`SqlTestRunner.prepare`): its project's configuration, the test
    with its job and plan, the input files written, and the query that collects each expected table."""

    config: Config
    run: "_Run"
    paths: dict[str, Path]  # source table -> the file holding its rows
    queries: dict[str, list[str]]  # expected table -> the collecting query of each INSERT into it


@dataclass
class _Run:
    """One test being run: the test, its job, its plan, and the lines written for each source."""

    test: SqlTest
    job: JobUnderTest
    plan: TestPlan
    lines: dict[str, list[tuple[str, Location]]]
    root: Path  # the project's folder (a native model's path is relative to it)

    def refused(self, text: str) -> TestSpecError | None:
        """The row a source's decoder refused, located in the test file, when ``text`` (a Java
        exception with its causes) says a record could not be deserialized."""
        field_match = _REFUSED_FIELD.search(text)
        why = f"Fail to deserialize at field: {field_match.group(1)}" if field_match else cause_of(text)
        record = _REFUSED_JSON.search(text)
        if record is not None:
            for table, lines in self.lines.items():
                for line, where in lines:
                    if line.replace("\n", " ") == record.group(1) or line == record.group(1):
                        fmt = self.plan.formats[table].describe()
                        return TestSpecError(f"Flink's {fmt} decoder refused this row of {table}: {why}",
                                             location=where, rule="test-row", notes=[cause_of(text)])
        if field_match is not None:
            column = field_match.group(1)
            tables = [t for t, fmt in self.plan.formats.items() if fmt.name == "csv"
                      and self.plan.sources[t].column(column) is not None]
            if tables:
                return TestSpecError(f"Flink's csv decoder refused a row of {' or '.join(tables)}: {why}",
                                     location=self.test.where_key(("inputs", tables[0])), rule="test-row",
                                     notes=[cause_of(text)])
        return None


def _project_key(config: Config, alone: Path | None) -> tuple:
    return (config.root, tuple(sorted((k, str(v)) for k, v in config.vars.items())), alone)


def _stop_at(compiled: CompiledProject, job: JobUnderTest, rule: str, swapped: set[str] = frozenset()) -> None:
    """Raise the compiler's errors of ``rule`` in the statements the test runs (every one of them): a
    syntax error anywhere in the job's files, a ``${NAME}`` left unset outside the swapped tables."""
    files = {s.location.file for s in job.statements} | {job.job.path}
    skipped = [(s.location.file, s.location.line, s.location.line + s.sql.count("\n"))
               for name, s in job.table_statements.items() if name in swapped]
    found = []
    for err in compiled.errors:
        loc = err.location
        if err.rule != rule or loc is None or loc.file not in files:
            continue
        if any(loc.file == f and first <= loc.line <= last for f, first, last in skipped):
            continue
        found.append(job.show_error(replace(err)))
    if len(found) == 1:
        raise found[0]
    if found:
        raise Diagnostics(found)


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


def collect_query(ins: JobInsert, table: TableDef) -> str:
    """The INSERT's query, its columns cast to the sink's types as the INSERT would write them.

    TIMESTAMP_LTZ becomes TIMESTAMP (UTC, the test session's zone) so rows come back as plain
    datetimes.
    """
    wanted = ins.columns or tuple(c.name for c in table.columns if c.persisted)
    types = {c.name: str(c.type) for c in table.columns}
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
