"""The one place a Java exception from Flink becomes something a user can read.

Flink's errors reach sqlflow three ways: a py4j exception from the gateway
JVM (a statement Flink rejected), the text of one from a submitting process,
and a job's exception history from the REST API. :func:`cause_of` cuts any
of them down to the line a user can act on (no stack frames, no Java class
names, a Python UDF's own error first); :func:`position` reads the line and
column Flink names; :func:`statement_error` places the error in the job file,
on the line and column of the statement Flink pointed at.
"""

from __future__ import annotations

import re

from sqlflow.compiler.compiled import CompiledStatement
from sqlflow.errors import JobError, Location

#: "From line 2, column 11 to line 2, column 12: ...", Calcite's validation position.
_RANGE = re.compile(r"From line (\d+), column (\d+)(?: to line (\d+), column (\d+))?: ")
#: "... at line 1, column 8." (parse errors) and "At line 1, column 25: ..." (validation).
_AT = re.compile(r"\b[Aa]t line (\d+), column (\d+)[.:]?\s*")
_CLASS_PREFIX = re.compile(r"^:?\s*(?:Caused by:\s*)?(?:[a-z][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)"
                           r"(?::\s*|$)")
_PYTHON_ERROR = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception): ")
_WRAPPERS = ("Failed to execute", "Error while applying rule", "Unexpected exception", "Internal error",
             "Could not execute", "Recovery is suppressed", "org.apache.flink.runtime.JobException")
_FRAMES = ("at ", "...", "Traceback", "File ", "py4j.", "An error occurred while calling")


def java_text(exc: BaseException) -> str:
    """The Java exception behind a py4j error and its causes, one ``Caused by:`` line per cause.

    Without a Java exception (a plain Python error, or the text of one) its string.
    """
    java = getattr(exc, "java_exception", None)
    if java is None:
        return str(exc)
    if isinstance(java, str):
        return java
    parts: list[str] = []
    try:
        while java is not None and len(parts) < 20:
            parts.append(("Caused by: " if parts else "") + str(java.toString()))
            java = java.getCause()
    except Exception:  # the gateway went away: what Python holds will do
        return str(exc)
    return "\n".join(parts)


def strip_class(line: str) -> str:
    """``org.apache...ValidationException: msg`` -> ``msg`` (repeatedly), without "SQL validation failed."."""
    prev = None
    line = line.strip()
    while prev != line:
        prev = line
        line = _CLASS_PREFIX.sub("", line).strip()
    return re.sub(r"^(?:SQL validation failed\.\s*)+", "", line).strip()


def cause_of(text: str) -> str:
    """The most specific line of a Java (or Python) exception text: the one a user can act on.

    An error raised in a Python UDF comes first; else the deepest ``Caused by`` that says
    something (wrappers such as "Failed to execute" skipped); else the first line.
    """
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(_FRAMES)]
    if not lines:
        return text.strip()[:600]
    python = [ln for ln in lines if _PYTHON_ERROR.match(ln) and not ln.startswith(("org.", "java.", "scala."))]
    if python:
        return python[-1][:600]
    causes = [strip_class(ln[len("Caused by:"):]) for ln in lines if ln.startswith("Caused by:")]
    causes = [c for c in causes if c and not c.startswith(_WRAPPERS) and not c.startswith("java.util.concurrent")]
    if causes:
        return causes[-1][:600]
    return (strip_class(lines[0]) or lines[0])[:600]


def root_message(exc: BaseException) -> str:
    """The whole message of the deepest Java cause (several lines where Flink writes several, as
    its option checks do), without the stack trace."""
    java = getattr(exc, "java_exception", None)
    if java is None or isinstance(java, str):
        return message_of(exc)
    try:
        root = java
        while root.getCause() is not None and root.getCause() != root:
            root = root.getCause()
        message = root.getMessage() or java.getMessage() or root.getClass().getName()
    except Exception:  # the gateway went away: what Python holds will do
        return message_of(exc)
    return str(message).strip()


def message_of(exc: BaseException) -> str:
    """:func:`cause_of` for a py4j (or any) exception."""
    return cause_of(java_text(exc))


def planner_message(exc: BaseException) -> tuple[str, list[str], tuple[int, int, int] | None]:
    """What the planner said about one statement: the message, the lines after it, and where
    (line, column, length within the statement's text) when Flink says."""
    text = java_text(exc)
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith(_FRAMES)]
    pos = None
    message = ""
    for ln in lines:
        m = _RANGE.search(ln)
        if m:
            line, col = int(m.group(1)), int(m.group(2))
            length = int(m.group(4)) - col + 1 if m.group(3) == m.group(1) and m.group(4) else 1
            pos, message = (line, col, max(length, 1)), ln[m.end():]
    head = 0
    if pos is None:
        pos = position(text)
    if not message:
        for i, ln in enumerate(lines):
            cleaned = strip_class(ln)
            if cleaned:
                message, head = cleaned, i
                break
    if message.startswith(_WRAPPERS):  # a planner wrapper: the root cause says what is wrong
        causes = [(i, strip_class(ln)) for i, ln in enumerate(lines) if ln.startswith("Caused by:") and strip_class(ln)]
        if causes:
            head, message = causes[-1]
    notes = []
    for ln in lines[head + 1:]:
        if ln.startswith(("Caused by:", "Was expecting")):
            break
        notes.append(ln)
    return message or "the planner rejected this statement", notes[:6], pos


def position(message: str) -> tuple[int, int, int] | None:
    """``(line, column, length)`` that a Flink message names inside the statement it got, if any."""
    m = _RANGE.search(message)
    if m:
        line, col = int(m.group(1)), int(m.group(2))
        length = int(m.group(4)) - col + 1 if m.group(3) == m.group(1) and m.group(4) else 1
        return line, col, max(length, 1)
    m = _AT.search(message)
    if m:
        return int(m.group(1)), int(m.group(2)), 1
    return None


def without_position(message: str) -> str:
    """The message with Flink's "At line X, column Y:" removed (the location says it)."""
    return _AT.sub("", _RANGE.sub("", message), count=1).strip()


def locate(statement: CompiledStatement | None, message: str, fallback: Location | None = None) -> Location | None:
    """Where in its file the spot a Flink message names inside ``statement`` is."""
    if statement is None:
        return fallback
    pos = position(message)
    if pos is None:
        return statement.location
    return statement.locate(*pos)


def statement_error(exc: BaseException, what: str, statement: CompiledStatement | None,
                    fallback: Location | None = None, rule: str = "flink") -> JobError:
    """Flink's rejection of ``statement``, at the line and column Flink names (the statement's start
    when it names none), without the Java class names and stack trace."""
    text = java_text(exc)
    message = cause_of(text)
    where = locate(statement, message if position(message) else text, fallback)
    return JobError(f"{what}: {without_position(message)}", location=where, rule=rule)
