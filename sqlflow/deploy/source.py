"""Read a project's SQL job files into located statements for the plan.

This is the one seam between deployment and the compiler: :func:`job_sources`
gives, per SQL file, its statements in order with their kind and location.
It splits at top-level semicolons itself (quotes and comments respected,
``EXECUTE STATEMENT SET BEGIN ... END`` unwrapped), so deploying does not
wait on the full checker; ``sqlflow check`` is where SQL is validated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlflow.errors import DeployError, Location

_KINDS = (
    (re.compile(r"(?is)^SET\b"), "set"),
    (re.compile(r"(?is)^RESET\b"), "reset"),
    (re.compile(r"(?is)^INSERT\s+(INTO|OVERWRITE)\b"), "insert"),
    (re.compile(r"(?is)^(CREATE|DROP|ALTER|USE|LOAD|UNLOAD)\b"), "ddl"),
    (re.compile(r"(?is)^(SELECT|WITH|VALUES|TABLE)\b"), "query"),
)
_SET = re.compile(r"""(?is)^SET\s+'([^']*)'\s*=\s*'((?:[^']|'')*)'\s*$""")
_STATEMENT_SET = re.compile(r"(?is)^(EXECUTE\s+)?(BEGIN\s+)?STATEMENT\s+SET\s+BEGIN\b|^BEGIN\s+STATEMENT\s+SET\b")
_PY_FUNCTION = re.compile(
    r"(?is)^CREATE\s+(?:TEMPORARY\s+)?(?:SYSTEM\s+)?FUNCTION\s+(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+AS\s+'([\w.]+)'"
    r"\s+LANGUAGE\s+PYTHON")
_MODEL_FILE = re.compile(r"'([^']+\.onnx)'")


@dataclass(frozen=True)
class SourceStatement:
    """One statement of a file: its kind, its text and where it starts."""

    kind: str  # set | reset | insert | ddl | query
    sql: str  # with ${VARS} substituted
    location: Location
    template: str | None = None  # as written, when it differs (it may reference secrets)

    @property
    def set_pair(self) -> tuple[str, str] | None:
        m = _SET.match(self.sql)
        return (m.group(1), m.group(2).replace("''", "'")) if m else None

    @property
    def python_function(self) -> str | None:
        """The ``module.attr`` of a ``CREATE FUNCTION ... LANGUAGE PYTHON``."""
        m = _PY_FUNCTION.match(self.sql)
        return m.group(1) if m else None

    @property
    def model_files(self) -> list[str]:
        return _MODEL_FILE.findall(self.sql)


@dataclass(frozen=True)
class SourceFile:
    """A SQL file of the project: a job when it has INSERTs, else catalog DDL."""

    path: Path
    rel: str  # path relative to the sql folder, with / separators
    statements: tuple[SourceStatement, ...]

    @property
    def is_job(self) -> bool:
        return any(s.kind == "insert" for s in self.statements)


def split_statements(text: str, file: str = "<string>") -> list[tuple[str, int, int]]:
    """Top-level statements of ``text`` with the 1-based line and column where each starts."""
    out: list[tuple[str, int, int]] = []
    i, n = 0, len(text)
    start: int | None = None
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
            continue
        if text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            if j < 0:
                raise DeployError("unterminated comment", location=_loc(text, i, file), rule="syntax")
            i = j + 2
            continue
        if start is None:
            start = i
        if c in "'\"`":
            j = i + 1
            while True:
                j = text.find(c, j)
                if j < 0:
                    raise DeployError("unterminated quoted text", location=_loc(text, i, file), rule="syntax")
                if text.startswith(c * 2, j):
                    j += 2
                    continue
                break
            i = j + 1
            continue
        if c == ";":
            body = text[start:i].strip()
            if body:
                line, col = _line_col(text, start)
                out.append((body, line, col))
            start = None
        i += 1
    if start is not None and text[start:].strip():
        line, col = _line_col(text, start)
        out.append((text[start:].strip(), line, col))
    return out


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _loc(text: str, pos: int, file: str) -> Location:
    line, col = _line_col(text, pos)
    return Location(file, line, col, source=text)


def _kind(sql: str, loc: Location) -> str:
    for pattern, kind in _KINDS:
        if pattern.match(sql):
            return kind
    word = sql.split(None, 1)[0] if sql.split() else sql
    raise DeployError(f"a job file cannot run a {word.upper()} statement", location=loc, rule="unsupported-statement",
                      hint="job files hold DDL, SET and INSERT statements")


def read_file(path: Path, rel: str, cfg: Any = None) -> SourceFile:
    """Split one SQL file, substituting ``${VARS}`` from the config when given."""
    text = path.read_text(encoding="utf-8")
    shown = str(path)
    stmts: list[SourceStatement] = []
    in_set = False
    for sql, line, col in split_statements(text, shown):
        loc = Location(shown, line, col, source=text)
        written = sql
        if cfg is not None:
            sql = cfg.substitute(sql, location=loc)
        m = _STATEMENT_SET.match(sql)
        if m:
            in_set = True
            sql = sql[m.end():].strip()
            written = _STATEMENT_SET.sub("", written, count=1).strip()
            if not sql:
                continue
        if in_set and re.fullmatch(r"(?is)END", sql):
            in_set = False
            continue
        kind = _kind(sql, loc)
        if in_set and kind != "insert":
            raise DeployError("a statement set holds only INSERT statements", location=loc, rule="statement-set")
        stmts.append(SourceStatement(kind, sql, loc, written if written != sql else None))
    if in_set:
        raise DeployError("EXECUTE STATEMENT SET BEGIN without END", location=Location(shown, source=text),
                          rule="statement-set")
    return SourceFile(path, rel, tuple(stmts))


def job_sources(cfg: Any) -> list[SourceFile]:
    """Every SQL file under the project's sql folder, in path order."""
    sql_dir = Path(cfg.sql_path)
    if not sql_dir.is_dir():
        raise DeployError(f"no SQL folder at {sql_dir}", rule="no-sql",
                          hint="put job files under sql/ or set 'sql:' in sqlflow.yaml")
    files = sorted(p for p in sql_dir.rglob("*.sql") if p.is_file())
    return [read_file(p, p.relative_to(sql_dir).as_posix(), cfg) for p in files]
