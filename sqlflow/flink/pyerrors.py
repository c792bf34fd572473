"""A Python UDF (or model) that failed inside a Flink job, told as the UDF's own error.

When a UDF raises, Flink records a Java exception whose message holds the
Python traceback of the worker ("Error received from SDK harness ...").
:func:`python_failure` reads that traceback back out of the job's exception
text: the Python error, the UDF it came from (the project file and line it
was raised at, or the ``CREATE MODEL`` whose file could not be loaded), and
whether it happened while the UDF opened (``open()``) or while it evaluated
rows, so the user reads ``UDF explode failed in open() at udfs/bad.py:7:
ValueError: ...`` instead of a Java stack trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from sqlflow.compiler.catalog import FunctionDef, ModelDef
from sqlflow.compiler.compiled import CompiledStatement
from sqlflow.compiler.lowering import MODULE_PACKAGE
from sqlflow.errors import Location

_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)')
_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)|[A-Za-z_][\w.]*)(?::\s?(.*))?$")
_UDF_NAME = re.compile(r"\bUDF (\S+?):")
#: Frames of the machinery (PyFlink, Beam, sqlflow's runtime, installed packages), not the user's code.
_MACHINERY = ("/site-packages/", "/dist-packages/", "/pyflink/", "/apache_beam/", "/sqlflow/udf/", "/sqlflow/flink/",
              "<frozen ", "<string>")
_LOWERED_PREFIX = "__ml_"


@dataclass(frozen=True)
class PythonFailure:
    """What a failing UDF said: the error, where in the project, and in which phase."""

    message: str
    location: Location | None
    exception: str  # "ValueError: ..." as Python printed it
    phase: str  # "open()", "eval()" or the function's name


def _traceback(text: str) -> tuple[list[tuple[str, int, str]], str] | None:
    """The frames and exception line of the last Python traceback in ``text``."""
    lines = text.splitlines()
    starts = [i for i, ln in enumerate(lines) if ln.rstrip().endswith("Traceback (most recent call last):")]
    if not starts:
        return None
    frames: list[tuple[str, int, str]] = []
    for ln in lines[starts[-1] + 1:]:
        m = _FRAME.match(ln)
        if m:
            frames.append((m.group(1), int(m.group(2)), m.group(3)))
            continue
        if ln.startswith((" ", "\t")) or not ln.strip():
            continue  # the source line, carets
        if _EXCEPTION.match(ln.strip()) and not ln.startswith(("Caused by", "org.", "java.")):
            return frames, ln.strip()
        break
    return None


def _machinery(path: str) -> bool:
    return path.endswith(".pyx") or any(marker in path for marker in _MACHINERY)


def _short(exception: str) -> str:
    """``sqlflow.errors.ModelError: msg`` -> ``ModelError: msg`` (a class path says nothing to a user)."""
    head, sep, rest = exception.partition(": ")
    return head.rsplit(".", 1)[-1] + sep + rest


def python_failure(text: str, statements: Iterable[CompiledStatement], root: Path | None = None) -> PythonFailure | None:
    """The Python UDF failure in a job's exception ``text``, placed in the project; None when the job
    failed for another reason. ``statements`` are the job's (to name its UDFs and models)."""
    parsed = _traceback(text)
    if parsed is None:
        return None
    frames, exception = parsed
    statements = list(statements)
    functions = [s for s in statements if isinstance(_definition(s), FunctionDef)]
    called = {c.udf.name: c.udf for s in statements if s.info is not None for c in s.info.facts.calls
              if c.udf is not None}
    phase = next((f"{func}()" for _, _, func in reversed(frames) if func in ("open", "eval", "close")), "eval()")
    user = [f for f in frames if not _machinery(f[0])]
    short = _short(exception)
    named = _UDF_NAME.search(exception)
    if named and named.group(1).startswith(_LOWERED_PREFIX):  # a CREATE MODEL, lowered to the ONNX runtime
        model = _model(statements, named.group(1)[len(_LOWERED_PREFIX):])
        where = model.location if model is not None else None
        name = model.name if model is not None else named.group(1)[len(_LOWERED_PREFIX):]
        detail = exception[named.end():].strip()
        return PythonFailure(f"model '{name}' failed in {phase}: {detail}", with_source(where, root),
                             exception, phase)
    if user:
        path, line, func = user[-1]
        rel = _project_file(path, functions, called, root)
        name = _udf_of(rel, functions, called) or (named.group(1) if named else None)
        where = Location(rel, line, 1) if rel else None
        what = f"UDF {name}" if name else f"a Python function ({rel or path}:{line})"
        return PythonFailure(f"{what} failed in {phase}: {short}", with_source(where, root, frame=True),
                             exception, phase)
    if named:  # raised by sqlflow's runtime for a declared UDF (its model, its result)
        udf = called.get(named.group(1))
        spec = udf.spec if udf is not None else None
        where = Location(_relative(spec.file, root), spec.line, 1) if spec is not None and spec.file else None
        detail = exception[named.end():].strip()
        return PythonFailure(f"UDF {named.group(1)} failed in {phase}: {detail}", with_source(where, root),
                             exception, phase)
    return PythonFailure(f"a Python UDF failed in {phase}: {short}", None, exception, phase)


def _definition(s: CompiledStatement):
    return s.info.definition if s.info is not None else None


def _model(statements: list[CompiledStatement], name: str) -> ModelDef | None:
    for s in statements:
        d = _definition(s)
        if isinstance(d, ModelDef) and d.name == name:
            return d
        if s.info is not None:
            for p in s.info.facts.predicts:
                if p.model.name == name:
                    return p.model
    return None


def _module_file(target: str | None) -> str | None:
    """``udfs.bad.explode`` -> ``udfs/bad.py``."""
    if not target or "." not in target:
        return None
    return target.rsplit(".", 1)[0].replace(".", "/") + ".py"


def _project_file(path: str, functions: list[CompiledStatement], called: dict[str, FunctionDef],
                  root: Path | None) -> str | None:
    """The project-relative file a frame's path is a copy of (staged or shipped with the job)."""
    candidates = {_module_file(_definition(s).target) for s in functions}
    candidates |= {_relative(f.spec.file, root) for f in called.values() if f.spec is not None and f.spec.file}
    candidates |= {_module_file(f.target) for f in called.values()}
    for rel in sorted((c for c in candidates if c), key=len, reverse=True):
        if path == rel or path.endswith("/" + rel):
            return rel
    if MODULE_PACKAGE in path:
        return None  # a module the compiler generated: no project file
    if root is not None:
        try:
            return Path(path).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return None
    return None


def _udf_of(rel: str | None, functions: list[CompiledStatement], called: dict[str, FunctionDef]) -> str | None:
    """The SQL name of the job's UDF defined in the project file ``rel`` (one name, or several joined)."""
    if rel is None:
        return None
    names = {_definition(s).name for s in functions if _module_file(_definition(s).target) == rel}
    names |= {n for n, f in called.items() if _module_file(f.target) == rel
              or (f.spec is not None and f.spec.file and str(f.spec.file).endswith(rel))}
    return "/".join(sorted(names)) or None


def _relative(file: str | None, root: Path | None) -> str | None:
    if file is None:
        return None
    if root is not None and Path(file).is_absolute():
        try:
            return Path(file).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return file
    return file


def with_source(loc: Location | None, root: Path | None, frame: bool = False) -> Location | None:
    """``loc`` with its file's text, so the error shows the line (files are relative to ``root``); a
    traceback ``frame`` is underlined from its first character to its last."""
    if loc is None or root is None or not loc.file:
        return loc
    path = Path(loc.file) if Path(loc.file).is_absolute() else root / loc.file
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return loc
    column, length = loc.column, loc.length
    lines = text.splitlines()
    if frame and 0 < loc.line <= len(lines):
        code = lines[loc.line - 1]
        column = len(code) - len(code.lstrip()) + 1
        length = max(1, len(code.strip()))
    return Location(loc.file, loc.line, column, length, source=text)


__all__ = ["PythonFailure", "python_failure", "with_source"]
