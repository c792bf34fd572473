"""Run SQL job files, exactly as written, in a PyFlink TableEnvironment.

A job file is DDL, ``SET`` statements and one or more ``INSERT`` statements;
its INSERTs run together as one Flink job (a statement set), named after the
file, so one file is one job on the dashboard.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlflow.compiler.delivery import TransactionalIds
from sqlflow.config import Config
from sqlflow.errors import JobError, Location, SqlflowError
from sqlflow.sqlscript import RawStatement, split_statements, strip_comments
from sqlflow.targets.embedded import _java_message, rejection

_SET = re.compile(r"^\s*SET\s+'([^']+)'\s*=\s*'((?:[^']|'')*)'\s*$", re.I | re.S)


@dataclass(frozen=True)
class SubmittedJob:
    """A job started from one file."""

    name: str
    file: str
    job_id: str | None  # None when the file had no INSERT


def runtime_mode(text: str) -> str | None:
    """``"batch"`` or ``"streaming"`` if the file sets 'execution.runtime-mode', else None."""
    mode = None
    for stmt in split_statements(text):
        m = _SET.match(strip_comments(stmt.text).strip())
        if m and m.group(1) == "execution.runtime-mode":
            mode = m.group(2).strip().lower()
    return mode


def job_name(config: Config, file: Path) -> str:
    """The stable job name of a file: ``<project>.<folder>.<file stem>``."""
    try:
        rel = file.resolve().relative_to(config.sql_path.resolve())
    except ValueError:
        rel = Path(file.name)
    parts = list(rel.with_suffix("").parts)
    return ".".join([config.name, *parts])


def _location(file: Path, stmt: RawStatement, text: str) -> Location:
    code = strip_comments(stmt.text).strip()
    return Location(str(file), stmt.line, stmt.column, len(code.splitlines()[0]) if code else 1, source=text)


_MODEL_WORDS = re.compile(r"\bCREATE\s+(?:TEMPORARY\s+)?MODEL\b|\bML_PREDICT\s*\(", re.I)


def lower_models(statements: list[RawStatement], file: Path, text: str, job: str,
                 python_files: Path | None) -> dict[int, str]:
    """Replacement SQL for statements that declare or call ONNX models (see sqlflow.lowering)."""
    if not any(_MODEL_WORDS.search(strip_comments(s.text)) for s in statements):
        return {}
    from sqlflow import lowering
    from sqlflow.dialect import parse_script

    parsed = {}
    for i, stmt in enumerate(statements):
        body = strip_comments(stmt.text)
        if _MODEL_WORDS.search(body) or re.match(r"\s*CREATE\s+(TEMPORARY\s+)?TABLE", body, re.I):
            padded = "\n" * (stmt.line - 1) + " " * (stmt.column - 1) + stmt.text
            try:
                parsed[i] = parse_script(padded, str(file))[0]
            except SqlflowError:
                if _MODEL_WORDS.search(body):
                    raise
    models, columns = {}, {}
    for i, st in parsed.items():
        if lowering.is_create_model(st.expression):
            decl = lowering.model_decl(st.expression, st.location)
            lowering.check_model(decl)
            models[decl.name.lower()] = decl
        found = lowering.table_columns(st.expression)
        if found:
            columns[found[0].lower()] = found[1]
    onnx = [d for d in models.values() if d.is_onnx]
    out: dict[int, str] = {}
    module = None
    if onnx:
        if python_files is None:
            raise JobError("ONNX models declared with CREATE MODEL need the project's python files "
                           "staged with the job", location=onnx[0].location)
        module = lowering.write_module(python_files, job, onnx)
        _refresh_udfs_package(python_files)
    for i, st in parsed.items():
        if lowering.is_create_model(st.expression):
            decl = models[st.expression.this.name.lower()]
            if decl.is_onnx:
                out[i] = lowering.create_function_sql(decl, module)
        elif lowering.uses_ml_predict(st.expression):
            lowered = lowering.lower_ml_predict(st.expression, models, columns, locate=st.locate)
            out[i] = lowered.sql(dialect="flink")
    return out


def _refresh_udfs_package(python_files: Path) -> None:
    import importlib
    import sys

    importlib.invalidate_caches()
    pkg = sys.modules.get("udfs")
    path = str(python_files / "udfs")
    if pkg is not None and hasattr(pkg, "__path__") and path not in list(pkg.__path__):
        pkg.__path__.append(path)


def shared_definitions(config: Config, file: Path) -> list[tuple[Path, RawStatement]]:
    """The CREATE statements of other files that ``file`` reads (shared catalog files), in file order.

    The compiler knows which definitions a job takes from other files; they run
    before the job's own statements, as ``sqlflow deploy`` ships them.
    """
    from sqlflow.compiler import compile_project

    try:
        rel = str(file.resolve().relative_to(config.root.resolve()))
        compiled = compile_project(config.root)
        job = compiled.job(rel)
    except (ValueError, StopIteration):
        return []
    wanted: dict[Path, set[int]] = {}
    for ref in job.requires:
        other, _, line = ref.rpartition(":")
        if line.isdigit():
            wanted.setdefault((config.root / other).resolve(), set()).add(int(line))
    out: list[tuple[Path, RawStatement]] = []
    for path in sorted(wanted):
        stmts = split_statements(path.read_text(encoding="utf-8"))
        for i, stmt in enumerate(stmts):
            end = stmts[i + 1].line if i + 1 < len(stmts) else 1 << 30
            if stmt.kind == "CREATE" and any(stmt.line <= ln < end for ln in wanted[path]):
                out.append((path, stmt))
    return out


def job_version(config: Config, texts: list[str]) -> str:
    """A job's version, for the transactional ids of its Kafka sinks: its text and the values of
    the ``${VARS}`` it uses (the same file run against other topics is another version)."""
    names = sorted({m.group(1) for t in texts for m in _VAR_NAME.finditer(t)})
    used = [f"{n}={config.lookup_var(n)}" for n in names]
    return hashlib.sha256("\0".join([*texts, *used]).encode()).hexdigest()


_VAR_NAME = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


def run_file(t_env, file: Path, config: Config, name: str | None = None,
             on_statement: Callable[[RawStatement], None] | None = None,
             python_files: Path | None = None,
             preamble: list[tuple[Path, RawStatement]] = ()) -> SubmittedJob:
    """Execute one job file; its INSERTs are submitted as one job and not awaited.

    ``python_files`` is the staged folder shipped with the job (needed when the
    file declares ONNX models with CREATE MODEL).
    """
    text = file.read_text(encoding="utf-8")
    name = name or job_name(config, file)
    ids = TransactionalIds(name, job_version(config, [text, *(stmt.text for _, stmt in preamble)]))
    t_env.get_config().set("pipeline.name", name)
    stmt_set = t_env.create_statement_set()
    inserts = 0
    job_id = None
    for other, stmt in preamble:  # definitions shared from other files
        loc = _location(other, stmt, other.read_text(encoding="utf-8"))
        try:
            t_env.execute_sql(ids.sql(config.substitute(stmt.text, location=loc)))
        except SqlflowError:
            raise
        except Exception as exc:
            raise JobError(f"Flink rejected this statement: {_java_message(exc)}", location=loc,
                           rule="flink") from None
    statements = split_statements(text)
    lowered = lower_models(statements, file, text, name, python_files)
    for index, stmt in enumerate(statements):
        loc = _location(file, stmt, text)
        sql = config.substitute(lowered.get(index, stmt.text), location=loc)
        body = strip_comments(sql).strip()
        if on_statement:
            on_statement(stmt)
        try:
            m = _SET.match(body)
            if m and m.group(1) == "execution.runtime-mode":
                continue  # the environment was created in this mode (see runtime_mode)
            if m:
                t_env.get_config().set(m.group(1), m.group(2).replace("''", "'"))
                continue
            kind = stmt.kind
            sql = ids.sql(sql)
            if kind == "INSERT":
                stmt_set.add_insert_sql(sql)
                inserts += 1
            elif kind in ("EXECUTE", "BEGIN"):
                result = t_env.execute_sql(sql)
                job_id = _job_id(result) or job_id
            else:
                t_env.execute_sql(sql)
        except SqlflowError:
            raise
        except Exception as exc:  # py4j: Flink rejected the statement
            raise rejection(exc, "Flink rejected this statement", loc, sql) from None
    if inserts:
        try:
            result = stmt_set.execute()
        except Exception as exc:
            raise JobError(f"Flink could not start job '{name}': {_java_message(exc)}",
                           location=Location(str(file))) from None
        job_id = _job_id(result)
    return SubmittedJob(name=name, file=str(file), job_id=job_id)


def _job_id(result) -> str | None:
    client = result.get_job_client()
    return str(client.get_job_id()) if client is not None else None
