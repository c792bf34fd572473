"""Run a compiled job's statements in a PyFlink TableEnvironment: one place, every target.

A job is its session's statements in order: ``SET`` changes the environment's
configuration, DDL registers tables, views, functions and models, and every
INSERT (standalone or of a statement set) joins one statement set, run as one
Flink job named after the file. :func:`execute` does this for plain
``(kind, sql)`` pairs (the submitting process of ``sqlflow deploy`` has only
those); :func:`run_job` for a compiled job, with Flink's rejections placed on
the job file's line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from sqlflow.compiler.compiled import CompiledStatement, JobFile
from sqlflow.compiler.lowering import NativePredict
from sqlflow.errors import JobError, Location, SqlflowError
from sqlflow.flink import native
from sqlflow.flink.java import message_of, statement_error

if TYPE_CHECKING:  # pyflink's table API is heavy to import: only for annotations
    from pyflink.table import TableEnvironment

#: What a statement's first keyword makes it, for running: DDL, a SET, an INSERT or a query.
_WORD_KINDS = {
    "SET": "set", "RESET": "reset", "INSERT": "insert",
    "CREATE": "ddl", "DROP": "ddl", "ALTER": "ddl", "USE": "ddl", "LOAD": "ddl", "UNLOAD": "ddl",
    "SELECT": "query", "WITH": "query", "VALUES": "query", "TABLE": "query",
}


def run_kind(statement: CompiledStatement) -> str:
    """``set``, ``reset``, ``ddl``, ``insert``, ``query``, or ``other`` (a statement a job cannot run:
    EXPLAIN, SHOW, DESCRIBE, ...)."""
    if statement.kind == "insert":
        return "insert"
    if statement.kind == "set":
        return "set"
    return _WORD_KINDS.get(statement.word, "other")


@dataclass(frozen=True)
class RunStatement:
    """One statement to run: its kind (see :func:`run_kind`) and SQL; ``key``/``value`` for a SET;
    for kind ``predict`` (a native model step), the step."""

    kind: str
    sql: str
    key: str | None = None
    value: str | None = None
    predict: NativePredict | None = None


class StatementFailure(Exception):
    """Flink refused the statement at ``index`` (None: the job as a whole could not start)."""

    def __init__(self, index: int | None, cause: BaseException):
        super().__init__(message_of(cause))
        self.index = index
        self.cause = cause


def steps_of(statements: Sequence[CompiledStatement]) -> list[tuple[RunStatement, CompiledStatement]]:
    """The statements as steps to run, each with the statement it comes from; a native model step
    comes before the statement that reads its view."""
    out = []
    for s in statements:
        out.extend((RunStatement("predict", p.view, predict=p), s) for p in s.predicts)
        pair = s.set_pair()
        out.append((RunStatement(run_kind(s), s.sql, *(pair or (None, None))), s))
    return out


def execute(t_env: TableEnvironment, steps: Sequence[RunStatement],
            on_step: Callable[[int], None] | None = None, base: Path | None = None) -> str | None:
    """Run ``steps`` in ``t_env``; the Flink job id of the INSERTs (None when there are none).

    ``execution.runtime-mode`` is not set here: the environment was created in the job's mode.
    A native model step needs a StreamTableEnvironment; its model path is taken relative to
    ``base`` (the project, or the folder shipped with the job).
    """
    statement_set = t_env.create_statement_set()
    inserts: list[int] = []
    job_id = None
    for i, step in enumerate(steps):
        if on_step:
            on_step(i)
        try:
            if step.kind == "set":
                if step.key and step.key != "execution.runtime-mode":
                    t_env.get_config().set(step.key, step.value or "")
            elif step.kind == "predict" and step.predict is not None:
                register_predict(t_env, step.predict, base)
            elif step.kind == "insert":
                statement_set.add_insert_sql(step.sql)
                inserts.append(i)
            else:
                result = t_env.execute_sql(step.sql)
                job_id = _job_id(result) or job_id
        except SqlflowError:
            raise
        except Exception as exc:  # py4j: Flink rejected the statement
            raise StatementFailure(i, exc) from None
    if inserts:
        try:
            result = statement_set.execute()
        except Exception as exc:
            raise StatementFailure(inserts[0] if len(inserts) == 1 else None, exc) from None
        job_id = _job_id(result)
    return job_id


def register_predict(t_env: TableEnvironment, step: NativePredict, base: Path | None) -> None:
    """Register ``step.view``: its source table scored by the native runtime."""
    native.add_jar(t_env)
    options = dict(step.options)
    path = Path(options.get("path", ""))
    if base is not None and not path.is_absolute():
        options["path"] = str((base / path).resolve())
    table = t_env.sql_query(f"SELECT * FROM {step.source}")
    columns = list(table.get_schema().get_field_names())
    keep = step.keep(columns)
    if len(keep) < len(columns):  # the planner cannot push this projection through the splice
        table = t_env.sql_query("SELECT " + ", ".join(_quoted(c) for c in keep) + f" FROM {step.source}")
    try:
        scored = native.predict(t_env, table, step.features, options, step.outputs)
    except SqlflowError as exc:  # the runtime refused the model: shown at its CREATE MODEL
        if step.model_location is not None:
            if step.location is not None:
                exc.notes.append(f"called by ML_PREDICT at {step.location}")
            exc.location = step.model_location
        exc.location = exc.location or step.location
        raise
    t_env.create_temporary_view(f"`{step.view}`", scored)


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def run_job(t_env: TableEnvironment, job: JobFile, base: Path | None = None) -> str | None:
    """Run a compiled job's session (shared definitions, then its own statements); its job id.

    A statement Flink rejects is a :class:`JobError` at the line and column Flink names.
    ``base`` is the project root (model paths are relative to it).
    """
    t_env.get_config().set("pipeline.name", job.name)
    steps = steps_of(job.session)
    try:
        return execute(t_env, [step for step, _ in steps], base=base)
    except StatementFailure as failure:
        if failure.index is None:
            raise JobError(f"Flink could not start job '{job.name}': {message_of(failure.cause)}",
                           location=Location(job.path)) from None
        raise statement_error(failure.cause, "Flink rejected this statement", steps[failure.index][1]) from None


def _job_id(result: Any) -> str | None:
    client = result.get_job_client()
    return str(client.get_job_id()) if client is not None else None
