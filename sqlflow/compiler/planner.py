"""Ask Flink's own planner: run the DDL and EXPLAIN every query in an embedded JVM.

No job runs and nothing connects: CREATE statements only register tables in
an in-memory catalog, and EXPLAIN plans a query without executing it. Each
Flink error is cut down to its first meaningful line (no Java stack trace)
and its "From line X, column Y" mapped back to the file the user wrote.

ONNX models (``CREATE MODEL ... WITH ('provider' = 'onnx')``) are lowered as
they are for a run: the model becomes sqlflow's ONNX UDF, registered here
under its generated name, and each ``ML_PREDICT`` over it the subquery that
calls it, so Flink plans the query that will really run. Statements the
planner cannot check here are skipped with a note: tables whose connector jar
is not on the classpath (the Kafka jar comes from the jar cache when
``sqlflow setup`` fetched it; JDBC is never bundled), statements reading
them, and models of providers Flink lacks.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlflow.compiler.analysis import StatementInfo
from sqlflow.compiler.catalog import TableDef, ViewDef
from sqlflow.compiler.compiled import CompiledProject
from sqlflow.compiler.delivery import TransactionalIds
from sqlflow.errors import Location, SetupError, SqlflowError, ValidationError

RULE = "planner"
_POS = re.compile(r"From line (\d+), column (\d+)(?: to line (\d+), column (\d+))?: ")
_PARSE_POS = re.compile(r"at line (\d+), column (\d+)\.")
_GENERIC = ("Error while applying rule", "Unexpected exception", "Internal error", "Could not execute")
_BUNDLED = {"filesystem", "datagen", "print", "blackhole"}
_KAFKA = {"kafka", "upsert-kafka"}
_EXCEPTION_PREFIX = re.compile(r"^:?\s*(?:Caused by:\s*)?(?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error): ?")


@dataclass
class PlannerReport:
    """What the planner said: errors (rule ``planner``) and notes about what it skipped."""

    diagnostics: list[SqlflowError] = field(default_factory=list)
    checked: int = 0
    skipped: int = 0


def kafka_jar() -> Path | None:
    """The cached Kafka SQL connector jar, if ``sqlflow setup`` has fetched it."""
    from sqlflow import KAFKA_CONNECTOR_VERSION
    from sqlflow.jars import jars_dir

    jar = jars_dir() / "connector" / f"flink-sql-connector-kafka-{KAFKA_CONNECTOR_VERSION}.jar"
    return jar if jar.exists() else None


def make_env(root: Path, flink: dict[str, str] | None = None, streaming: bool = True) -> Any:
    """A TableEnvironment set up like the embedded target (no cluster is started)."""
    from sqlflow.targets.embedded import make_table_env
    from sqlflow.udf.flink import python_config

    jar = kafka_jar()
    conf = {**python_config(root), **(flink or {})}
    # no python.files: EXPLAIN would zip the whole project into the plan; the planner only needs to
    # import the UDF modules in this process, so the root goes on sys.path (and python.pythonpath)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return make_table_env(streaming=streaming, config=conf, python_files=(), jars=[jar] if jar else [])


EnvFactory = Callable[[bool], Any]


def planner_check(compiled: CompiledProject, envs: EnvFactory | None = None) -> list[SqlflowError]:
    """Diagnostics from Flink's planner for every statement of the project."""
    return check(compiled, envs).diagnostics


def check(compiled: CompiledProject, envs: EnvFactory | None = None) -> PlannerReport:
    """Check each job file the way it is deployed: in a TableEnvironment of its own.

    The environment is streaming, or batch for a batch job (INSERT OVERWRITE);
    it gets the project's UDFs, the shared catalog files' DDL, then the file's
    statements in order. Files of only definitions are checked once, on their own.
    """
    project = compiled.project
    report = PlannerReport()
    factory = envs or (lambda streaming: make_env(compiled.root, dict(compiled.config.flink), streaming))
    shared = [f for f in project.files if not project.is_job(f)]
    seen: set[tuple[str, str]] = set()
    for f in project.files:
        try:
            env = factory(not project.is_batch(f))
        except Exception as exc:  # no Java, a broken Flink install
            report.diagnostics.append(SetupError(f"cannot start Flink's planner: {first_line(exc)}", rule=RULE))
            return report
        own = project.in_file(f)
        own_names = {s.definition.name for s in own if s.definition is not None}
        preamble = [s for g in shared if g is not f for s in project.in_file(g)
                    if s.definition is not None and s.definition.name not in own_names]
        part = PlannerReport()
        _register_udfs(compiled, env, part)
        _check_statements(env, preamble + own, part, quiet=set(map(id, preamble)))
        report.checked += part.checked
        report.skipped += part.skipped
        for d in part.diagnostics:
            key = (str(d.location), d.message)
            if key not in seen:
                seen.add(key)
                report.diagnostics.append(d)
    return report


def _check_statements(env: Any, statements: list[StatementInfo], report: PlannerReport,
                      quiet: set[int]) -> None:
    available = _BUNDLED | (_KAFKA if kafka_jar() else set())
    skipped_tables: dict[str, str] = {}
    lowered = _Lowered()
    ids = TransactionalIds("sqlflow-planner", "0" * 12)  # as a run supplies them; any name plans the same
    for info in statements:
        lowered.see_table(info)
        if info.kind == "model" and info.definition is not None:
            reason = lowered.register(env, info, report)
            if reason:
                skipped_tables[info.definition.name] = reason
                if id(info) not in quiet:
                    _note(report, info, f"model '{info.definition.name}' is not checked by the "
                                        f"planner: {reason}")
            continue
        reason = _skip_reason(info, skipped_tables)
        if info.kind == "set":
            for key, value in _set_pairs(info):
                env.get_config().set(key, value)
            continue
        if info.kind in ("table", "view", "function"):
            d = info.definition
            if d is None:
                continue
            if isinstance(d, TableDef) and d.connector not in available:
                skipped_tables[d.name] = f"connector '{d.connector}' is not on the planner's classpath"
                if id(info) not in quiet:
                    _note(report, info, f"table '{d.name}' is not checked by the planner: {skipped_tables[d.name]}")
                continue
            if isinstance(d, ViewDef) and reason:
                skipped_tables[d.name] = reason
                continue
            if info.kind == "function" and d.language == "PYTHON" and d.spec is not None:
                continue  # registered from udfs/ already
            _run_delivery(env.execute_sql, info, ids, report)
        elif info.kind in ("insert", "query"):
            if reason:
                _note(report, info, f"not checked by the planner: {reason}")
                continue
            if info.facts.predicts:  # the lowered query: Flink's positions are not the file's
                _run(env.explain_sql, info, lowered.sql(info), report, exact=False)
                continue
            _run_delivery(env.explain_sql, info, ids, report)


def _run_delivery(call: Any, info: StatementInfo, ids: TransactionalIds, report: PlannerReport) -> None:
    """Run a statement as a run would send it: an exactly-once Kafka sink with its transactional id
    (sqlflow.compiler.delivery); a rewritten statement's positions are not the file's."""
    node = ids.tree(info.node)
    if node is info.node:
        _run(call, info, _sql(info), report)
    else:
        _run(call, info, node.sql(dialect="flink"), report, exact=False)


class _Lowered:
    """ONNX models of one job, registered as the UDFs they are lowered to for a run."""

    def __init__(self) -> None:
        self.models: dict[str, Any] = {}  # name (lower case) -> lowering.ModelDecl
        self.columns: dict[str, list[str]] = {}

    def see_table(self, info: StatementInfo) -> None:
        from sqlflow import lowering

        found = lowering.table_columns(info.node) if info.kind == "table" else None
        if found:
            self.columns[found[0].lower()] = found[1]

    def register(self, env: Any, info: StatementInfo, report: PlannerReport) -> str | None:
        """Register an ONNX model's UDF; the reason it cannot be checked otherwise."""
        from sqlflow import lowering

        decl = lowering.model_decl(info.node, info.location)
        if not decl.is_onnx:
            return f"Flink has no '{decl.provider}' model provider here"
        try:
            lowering.check_model(decl)
            namespace: dict[str, Any] = {}
            exec(compile(lowering.python_module([decl]), "<model>", "exec"), namespace)  # noqa: S102
            env.create_temporary_system_function(decl.function_name, namespace[decl.function_name])
        except SqlflowError as exc:
            report.diagnostics.append(exc)
            return "its declaration is invalid"
        except Exception as exc:
            report.diagnostics.append(ValidationError(
                f"Flink cannot register model '{decl.name}': {flink_message(exc)[0]}", info.location, rule=RULE))
            return "Flink could not register it"
        self.models[decl.name.lower()] = decl
        return None

    def sql(self, info: StatementInfo) -> str:
        from sqlflow import lowering

        node = lowering.lower_ml_predict(info.node.copy(), self.models, self.columns, locate=info.statement.locate)
        return node.sql(dialect="flink")


def _register_udfs(compiled: CompiledProject, env: Any, report: PlannerReport) -> None:
    for spec in compiled.udfs:
        sql = f"CREATE TEMPORARY SYSTEM FUNCTION `{spec.name}` AS '{spec.module}.{spec.attr}' LANGUAGE PYTHON"
        try:
            env.execute_sql(sql)
        except Exception as exc:
            where = Location(spec.file or str(compiled.config.udfs_dir), spec.line, 1)
            report.diagnostics.append(ValidationError(
                f"Flink cannot register UDF '{spec.name}': {flink_message(exc)[0]}", where, rule=RULE))


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


def _set_pairs(info: StatementInfo) -> list[tuple[str, str]]:
    from sqlglot import exp

    from sqlflow.compiler.catalog import literal_text

    return [(literal_text(i.this.this), literal_text(i.this.expression))
            for i in info.node.expressions if isinstance(i.this, exp.EQ)]


def _sql(info: StatementInfo) -> str:
    if info.in_statement_set:
        return info.node.sql(dialect="flink")
    return str(info.statement.sql)


def _note(report: PlannerReport, info: StatementInfo, message: str) -> None:
    report.skipped += 1
    report.diagnostics.append(ValidationError(message, info.location, rule=RULE, severity="note"))


def _run(call: Any, info: StatementInfo, sql: str, report: PlannerReport, exact: bool = True) -> None:
    report.checked += 1
    try:
        call(sql)
    except Exception as exc:
        message, notes, pos = flink_message(exc)
        where = _locate(info, pos if exact else None)
        report.diagnostics.append(ValidationError(message, where, rule=RULE, notes=notes))


def first_line(exc: BaseException) -> str:
    return flink_message(exc)[0]


def flink_message(exc: BaseException) -> tuple[str, list[str], tuple[int, int, int] | None]:
    """The meaningful part of a Flink error: message, extra lines, and (line, column, length)."""
    text = _java_text(exc)
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(("at ", "...", "An error occurred while calling"))]
    pos = None
    message = ""
    for ln in lines:
        m = _POS.search(ln)
        if m:
            line, col = int(m.group(1)), int(m.group(2))
            length = int(m.group(4)) - col + 1 if m.group(3) == m.group(1) and m.group(4) else 1
            pos = (line, col, max(length, 1))
            message = ln[m.end():]
    head_index = 0
    if pos is None:
        for ln in lines:
            m = _PARSE_POS.search(ln)
            if m:
                pos = (int(m.group(1)), int(m.group(2)), 1)
                break
    if not message:
        for i, ln in enumerate(lines):
            cleaned = _clean(ln)
            if cleaned:
                message, head_index = cleaned, i
                break
    if message.startswith(_GENERIC):  # a planner wrapper: the root cause says what is wrong
        causes = [(i, _clean(ln)) for i, ln in enumerate(lines) if ln.startswith("Caused by:") and _clean(ln)]
        if causes:
            head_index, message = causes[-1]
    notes = []
    for ln in lines[head_index + 1:]:
        if ln.startswith(("Caused by:", "Was expecting")):
            break
        notes.append(ln)
    return message or "the planner rejected this statement", notes[:6], pos


def _java_text(exc: BaseException) -> str:
    """The Java exception and its causes, one "Caused by:" per cause, without stack frames."""
    java = getattr(exc, "java_exception", None)
    if java is None:
        return str(exc)
    parts, seen = [], 0
    try:
        while java is not None and seen < 20:
            parts.append(("Caused by: " if parts else "") + str(java.toString()))
            java, seen = java.getCause(), seen + 1
    except Exception:  # the gateway went away: what Python holds will do
        return str(exc)
    return "\n".join(parts)


def _clean(line: str) -> str:
    prev = None
    while prev != line:
        prev = line
        line = _EXCEPTION_PREFIX.sub("", line).strip()
    line = line.replace("SQL validation failed. ", "")
    return line.strip()


def _locate(info: StatementInfo, pos: tuple[int, int, int] | None) -> Location:
    if pos is None or info.in_statement_set:
        return info.sink_location or info.location
    start = info.statement.location  # in the text as parsed; remap() maps back to the file
    line, col, length = pos
    file_line = start.line + line - 1
    file_col = start.column + col - 1 if line == 1 else col
    return info.file.remap(Location(info.file.rel, file_line, file_col, length))
