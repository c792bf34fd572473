"""Load a project from disk: SQL files (parsed, ``${NAME}`` substituted), UDFs, models, config.

Positions stay true to the file the user wrote: ``${NAME}`` is replaced
before parsing, and every location the parser reports is mapped back to the
original text, so carets point where the user looks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlflow.config import Config, Replacement, substitute
from sqlflow.dialect import parse_script_partial, strip_comments
from sqlflow.errors import Diagnostics, Location, ParseError, SqlflowError, UdfError
from sqlflow.udf import discover
from sqlflow.udf.spec import UdfSpec

@dataclass(frozen=True)
class Positions:
    """Where a statement's text starts in its file, to place what Flink reports inside it.

    Flink counts lines and columns within the text it was sent (1-based);
    :meth:`locate` turns such a position into one in the file as the user
    wrote it (``${NAME}`` substitutions undone).
    """

    file: str
    line: int  # of the statement's first character, in the substituted text
    column: int
    substitutions: tuple[Replacement, ...] = ()
    source: str | None = field(default=None, compare=False, repr=False)

    def locate(self, line: int, column: int, length: int = 1) -> Location:
        at = Location(self.file, self.line + line - 1, self.column + column - 1 if line == 1 else column, length)
        return remap(at, self.file, self.substitutions, self.source)


def remap(loc: Location | None, file: str, substitutions: tuple[Replacement, ...] | list[Replacement],
          text: str | None) -> Location:
    """A location in substituted text as a location in the file as written."""
    if loc is None or not loc.line:
        return Location(file, source=text)
    col, length = loc.column, loc.length
    delta = 0
    for s in substitutions:
        if s.line != loc.line:
            continue
        if loc.column >= s.new_column + s.new_length:
            delta += s.length - s.new_length
        elif loc.column >= s.new_column:
            return Location(file, loc.line, s.column, s.length, text)
    return Location(file, loc.line, col + delta, length, text)


@dataclass
class SourceFile:
    """One SQL file: its text, the parsed statements and the syntax errors found."""

    path: Path
    rel: str  # the path shown to users, relative to the project root
    text: str
    statements: list[Any] = field(default_factory=list)  # sqlflow.dialect Statement
    errors: list[SqlflowError] = field(default_factory=list)
    substitutions: list[Replacement] = field(default_factory=list)
    broken: list[tuple[str, str]] = field(default_factory=list)  # (kind, name) a bad CREATE meant to define

    def remap(self, loc: Location | None) -> Location:
        """A parser location (in substituted text) as a location in the file as written."""
        return remap(loc, self.rel, self.substitutions, self.text)

    def positions(self, start: Location) -> Positions:
        """The :class:`Positions` of a statement whose text starts at ``start`` (as parsed)."""
        return Positions(self.rel, start.line, start.column, tuple(self.substitutions), self.text)


def load_sql_file(path: Path, rel: str, config: Config) -> SourceFile:
    """Read, substitute and parse one file; syntax errors are kept, never raised."""
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    parsed_text, subs = substitute(text, config.lookup_var, config.is_secret)
    src = SourceFile(path, rel, text, substitutions=subs)
    try:
        parsed = parse_script_partial(parsed_text, rel)
    except RecursionError:
        src.errors.append(ParseError("statement is nested too deeply to parse",
                                     Location(rel, 1, 1, 1, text), rule="syntax"))
        return src
    src.statements = list(parsed.statements)
    src.errors.extend(_relocate(src, e) for e in parsed.errors)
    src.broken = [d for d in (defined_name(t) for t in parsed.skipped) if d is not None]
    return src


#: What a CREATE statement defines, read from its first words (for statements that did not parse).
_CREATE = re.compile(
    r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMPORARY\s+(?:SYSTEM\s+)?)?(TABLE|VIEW|FUNCTION|MODEL)\s+"
    r"(?:IF\s+NOT\s+EXISTS\s+)?((?:`[^`]+`|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:`[^`]+`|[A-Za-z_][\w$]*))*)",
    re.IGNORECASE)


def defined_name(text: str) -> tuple[str, str] | None:
    """``(kind, name)`` that a CREATE statement's text defines, even when the rest does not parse.

    >>> defined_name("CREATE TEMPORARY VIEW `v` AS SELECT (")
    ('view', 'v')
    """
    m = _CREATE.match(strip_comments(text))
    if m is None:
        return None
    name = ".".join(p.strip().strip("`") for p in m.group(2).split("."))
    return m.group(1).lower(), name


def _relocate(src: SourceFile, err: SqlflowError) -> SqlflowError:
    err.location = src.remap(err.location) if err.location else Location(src.rel, source=src.text)
    if err.rule == "error":
        err.rule = "syntax"
    return err


def sql_files(config: Config, paths: list[Path] | None = None) -> list[Path]:
    """The SQL files to check in a stable order: ``sql/**/*.sql`` sorted by path, or those named."""
    base = config.sql_path
    if paths:
        found: list[Path] = []
        for p in paths:
            p = p if p.is_absolute() else (Path.cwd() / p)
            found.extend(sorted(p.rglob("*.sql")) if p.is_dir() else [p])
        return found
    return sorted(base.rglob("*.sql")) if base.is_dir() else []


def discover_udfs(config: Config) -> tuple[list[UdfSpec], list[SqlflowError]]:
    """The UDF specs in ``udfs/``; a broken UDF module is a diagnostic, not a crash."""
    udfs_dir = config.udfs_path
    if not udfs_dir.is_dir():
        return [], []
    errors: list[SqlflowError] = []
    try:
        specs = list(discover(udfs_dir, errors))
        for e in errors:  # shown like the SQL files: relative to the project
            if e.location is not None and Path(e.location.file).is_absolute():
                e.location = replace(e.location, file=relpath(Path(e.location.file), config.root))
        return specs, errors
    except Diagnostics as exc:
        return [], list(exc.errors)
    except UdfError as exc:
        return [], [exc]


def relpath(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
