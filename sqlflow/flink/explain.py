"""Ask Flink's own planner: run each job's DDL and EXPLAIN its queries in an embedded JVM.

No job runs and nothing connects: CREATE statements only register tables in
an in-memory catalog, and EXPLAIN plans a query without executing it. Each
job file is checked the way it runs, in a TableEnvironment of its own: the
statements the compiler produced for it (its shared definitions first, ONNX
models in their lowered form, so Flink plans the query that will really
run), and Flink's messages are placed on the file's line and column (see
:mod:`sqlflow.flink.java`). Statements the planner cannot check here are
skipped with a note: tables whose connector jar is not on the classpath (the
Kafka jar comes from the jar cache when ``sqlflow setup`` fetched it; JDBC is
never bundled), statements reading them, and models of providers Flink lacks.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from sqlflow import KAFKA_CONNECTOR_VERSION
from sqlflow.compiler.analysis import StatementInfo
from sqlflow.compiler.catalog import ModelDef, TableDef, ViewDef
from sqlflow.compiler.compiled import CompiledProject, CompiledStatement, JobFile
from sqlflow.compiler.connectors import CONNECTORS
from sqlflow.compiler.lowering import write_modules
from sqlflow.errors import Location, SetupError, SqlflowError, ValidationError
from sqlflow.flink.env import bind_packages, make_table_env
from sqlflow.flink.java import planner_message
from sqlflow.flink.job import register_predict
from sqlflow.flink.native import native_jar
from sqlflow.jars import jars_dir
from sqlflow.udf.flink import python_config

if TYPE_CHECKING:  # pyflink's table API is heavy to import: only for annotations
    from pyflink.table import TableEnvironment

RULE = "planner"
_BUNDLED = {"filesystem", "datagen", "print", "blackhole"}
_KAFKA = {"kafka", "upsert-kafka"}


@dataclass
class PlannerReport:
    """What the planner said: errors (rule ``planner``) and notes about what it skipped."""

    diagnostics: list[SqlflowError] = field(default_factory=list)
    checked: int = 0
    skipped: int = 0


def kafka_jar() -> Path | None:
    """The cached Kafka SQL connector jar, if ``sqlflow setup`` has fetched it."""
    jar = jars_dir() / "connector" / f"flink-sql-connector-kafka-{KAFKA_CONNECTOR_VERSION}.jar"
    return jar if jar.exists() else None


def make_env(root: Path, flink: dict[str, str] | None = None, streaming: bool = True,
             native: bool = False) -> TableEnvironment:
    """A TableEnvironment set up like the embedded target (no cluster is started); with ``native``
    a stream environment with the native model runtime's jar."""
    jar = kafka_jar()
    conf = {**python_config(root), **(flink or {})}
    # no python.files: EXPLAIN would zip the whole project into the plan; the planner only needs to
    # import the UDF modules in this process, so the root goes on sys.path (and python.pythonpath)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    jars = [jar] if jar else []
    if native:
        jars.append(native_jar())
    return make_table_env(streaming=streaming, config=conf, python_files=(), jars=jars, stream_api=native)


#: Makes the environment a job is checked in: (streaming, native) -> environment.
EnvFactory = Callable[[bool, bool], Any]


def planner_check(compiled: CompiledProject, envs: EnvFactory | None = None) -> list[SqlflowError]:
    """Diagnostics from Flink's planner for every statement of the project."""
    return check(compiled, envs).diagnostics


def check(compiled: CompiledProject, envs: EnvFactory | None = None) -> PlannerReport:
    """Check each job file the way it is deployed: in a TableEnvironment of its own.

    The environment is streaming, or batch for a batch job; it gets the job's session (its shared
    definitions, then its statements) in order: a Python UDF exists for Flink only where a
    CREATE FUNCTION registers it, as when the job runs.
    """
    report = PlannerReport()
    factory = envs or (lambda streaming, native: make_env(compiled.root, dict(compiled.config.flink), streaming,
                                                          native))
    seen: set[tuple[str, str]] = set()
    with tempfile.TemporaryDirectory(prefix="sqlflow-planner-") as generated:
        modules = Path(generated)
        for job in compiled.jobs:
            try:
                env = factory(not job.batch, job.native)
            except Exception as exc:  # no Java, a broken Flink install
                report.diagnostics.append(SetupError(f"cannot start Flink's planner: {planner_message(exc)[0]}",
                                                     rule=RULE))
                return report
            if job.modules:
                write_modules(modules, job.modules)
                bind_packages(modules)
            part = PlannerReport()
            _check_statements(env, job, part, compiled.root)
            report.checked += part.checked
            report.skipped += part.skipped
            for d in part.diagnostics:
                key = (str(d.location), d.message)
                if key not in seen:
                    seen.add(key)
                    report.diagnostics.append(d)
    return report


def _check_statements(env: TableEnvironment, job: JobFile, report: PlannerReport, root: Path) -> None:
    available = _BUNDLED | (_KAFKA if kafka_jar() else set())
    skipped: dict[str, str] = {}
    shared = set(map(id, job.shared))
    for st in job.session:
        info = st.info
        if info is None:
            continue
        if not _register_predicts(env, st, report, root):
            continue
        quiet = id(st) in shared
        d = info.definition
        reason = _skip_reason(info, skipped)
        if info.kind == "model" and isinstance(d, ModelDef):
            if d.options.get("provider", "").lower() == "onnx" and not st.lowered:  # runs natively
                _run(env.execute_sql, st, report, what=f"Flink cannot register model '{d.name}'", count=False)
                continue
            if not st.lowered:
                skipped[d.name] = f"Flink has no '{d.options.get('provider', '')}' model provider here"
                if not quiet:
                    _note(report, st, f"model '{d.name}' is not checked by the planner: {skipped[d.name]}")
                continue
            _run(env.execute_sql, st, report, what=f"Flink cannot register model '{d.name}'", count=False)
            continue
        if st.kind == "set":
            pair = st.set_pair()
            if pair is not None:
                env.get_config().set(*pair)
            continue
        if info.kind in ("alter", "drop"):
            if not reason:
                _run(env.execute_sql, st, report)
            continue
        if info.kind in ("table", "view", "function"):
            if d is None:
                continue
            if isinstance(d, TableDef) and d.materialized:
                skipped[d.name] = "a materialized table needs Flink's SQL gateway"
                if not quiet:
                    _note(report, st, f"table '{d.name}' is not checked by the planner: {skipped[d.name]}")
                continue
            if isinstance(d, TableDef) and d.connector in CONNECTORS and d.connector not in available:
                skipped[d.name] = f"connector '{d.connector}' is not on the planner's classpath"
                if not quiet:
                    _note(report, st, f"table '{d.name}' is not checked by the planner: {skipped[d.name]}")
                continue
            if isinstance(d, ViewDef) and reason:
                skipped[d.name] = reason
                continue
            # a Python UDF's CREATE FUNCTION registers it (not counted as a check); without one Flink has no
            # such function, as the compiler says too
            refused = len(report.diagnostics)
            _run(env.execute_sql, st, report,
                 count=not (info.kind == "function" and getattr(d, "language", "") == "PYTHON"
                            and getattr(d, "spec", None) is not None))
            if len(report.diagnostics) > refused and info.kind in ("table", "view"):
                skipped[d.name] = "Flink refused its definition"  # no knock-on "Object not found"
        elif info.kind in ("insert", "query"):
            if reason:
                _note(report, st, f"not checked by the planner: {reason}")
                continue
            _run(env.explain_sql, st, report)


def _register_predicts(env: TableEnvironment, st: CompiledStatement, report: PlannerReport, root: Path) -> bool:
    """Make the views of the statement's native model steps, as a run does; False if one failed
    (the failure is a diagnostic at its ML_PREDICT)."""
    for step in st.predicts:
        try:
            register_predict(env, step, root)
        except SqlflowError as exc:
            report.diagnostics.append(ValidationError(exc.message, step.location or st.location, rule=RULE))
            return False
        except Exception as exc:  # py4j: Flink refused the source table
            message, notes, _ = planner_message(exc)
            report.diagnostics.append(ValidationError(message, step.location or st.location, rule=RULE, notes=notes))
            return False
    return True


def _skip_reason(info: StatementInfo, skipped: dict[str, str]) -> str | None:
    for d, _ in info.facts.reads:
        if d.name in skipped:
            return f"it reads '{d.name}' ({skipped[d.name]})"
    if info.sink_name in skipped:
        return f"it writes '{info.sink_name}' ({skipped[info.sink_name]})"
    for p in info.facts.predicts:
        if p.model.name in skipped:
            return f"it calls model '{p.model.name}' ({skipped[p.model.name]})"
    return None


def _note(report: PlannerReport, st: CompiledStatement, message: str) -> None:
    report.skipped += 1
    report.diagnostics.append(ValidationError(message, _at(st), rule=RULE, severity="note"))


def _at(st: CompiledStatement) -> Location:
    info = st.info
    return info.location if info is not None else st.location


def _run(call: Callable[[str], Any], st: CompiledStatement, report: PlannerReport, what: str | None = None,
         count: bool = True) -> None:
    """Run one statement through Flink; its error, placed in the file, is a diagnostic. ``count``: it is one
    of the statements the report counts as checked (a model's registration is not)."""
    report.checked += count
    try:
        call(st.sql)
    except Exception as exc:
        message, notes, pos = planner_message(exc)
        if what:
            message = f"{what}: {message}"
        report.diagnostics.append(ValidationError(message, _locate(st, pos), rule=RULE, notes=notes))


def _locate(st: CompiledStatement, pos: tuple[int, int, int] | None) -> Location:
    """Flink's position inside the statement's text, in the file (the statement, or an INSERT's
    sink, when Flink names none or the text was lowered)."""
    info = st.info
    fallback = (info.sink_location or info.location) if info is not None else st.location
    if pos is None or st.lowered or st.positions is None:
        return fallback
    loc = st.locate(*pos)
    return Location(loc.file, loc.line, loc.column, loc.length, source=info.file.text if info else None)
