"""One error tree for everything a user can meet.

Every error a user reads derives from :class:`SqlflowError`. Errors about a
place in a file carry a :class:`Location`, and :meth:`SqlflowError.render`
shows them the way a compiler does::

    sql/feedback/ctr.sql:12:8: error[unknown-column]: unknown column 'clck'
       12 | SELECT clck FROM clicks
          |        ^^^^
      = help: did you mean 'click'?
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from sqlflow.scrub import scrub


@dataclass(frozen=True)
class Location:
    """A place in a source file: 1-based line and column, and a span length."""

    file: str
    line: int = 0
    column: int = 0
    length: int = 1
    source: str | None = None  # the whole text of the file, when known

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column}"
        return self.file

    def source_line(self) -> str | None:
        text = self.source
        if text is None and self.line:
            try:
                text = Path(self.file).read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
        if text is None or not self.line:
            return None
        # lines end at "\n" only, as the dialect counts them (str.splitlines also breaks at \x1c-\x1e,
        # \x85, \u2028, ... which would show another line than the one the error is on)
        lines = text.split("\n")
        if 0 < self.line <= len(lines):
            return lines[self.line - 1].removesuffix("\r")
        return None


def did_you_mean(name: str, candidates: Iterable[str], n: int = 1) -> str | None:
    """The closest of ``candidates`` to ``name``, compared case-insensitively."""
    by_lower: dict[str, str] = {}
    for c in candidates:
        by_lower.setdefault(str(c).lower(), c)
    # str(): a YAML key may be a number, a boolean or null
    found = difflib.get_close_matches(str(name).lower(), list(by_lower), n=n, cutoff=0.6)
    return by_lower[found[0]] if found else None


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of character ``offset`` of ``text``, lines ending at "\\n" only."""
    offset = max(0, min(offset, len(text)))
    start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - start + 1


def scrub_secrets(text: str, secrets: Sequence[str] = ()) -> str:
    """Hide secret values: the known ones (and ``secrets``), and values of secret-looking keys
    (see :mod:`sqlflow.scrub`, the one scrubber)."""
    return scrub(text, secrets)


@dataclass
class SqlflowError(Exception):
    """The root of every error sqlflow shows to a user."""

    message: str
    location: Location | None = None
    rule: str = "error"
    hint: str | None = None
    severity: str = "error"
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        Exception.__init__(self, self.message)

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        text = f"{prefix}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return scrub(text)

    def render(self, color: bool = False) -> str:
        """The compiler-style text: header, source line, caret, help (secret values hidden)."""
        where = f"{self.location}: " if self.location else ""
        head = f"{where}{self.severity}[{self.rule}]: {self.message}"
        out = [head]
        loc = self.location
        line = loc.source_line() if loc else None
        if loc and line is not None:
            gutter = f"{loc.line:>4} | "
            shown = line.expandtabs(1)
            if len(shown) > 200:  # keep giant one-line statements readable
                start = max(0, loc.column - 80)
                shown = ("..." if start else "") + shown[start : start + 160] + "..."
                col = loc.column - start + (3 if start else 0)
            else:
                col = loc.column
            out.append(gutter + shown)
            caret = " " * max(col - 1, 0) + "^" * max(1, min(loc.length, 80))
            out.append(" " * 4 + " | " + caret)
        for note in self.notes:
            out.append(f"  = note: {note}")
        if self.hint:
            out.append(f"  = help: {self.hint}")
        return scrub("\n".join(out))

    def to_dict(self) -> dict:
        loc = self.location
        return {
            "severity": self.severity,
            "rule": self.rule,
            "message": scrub(self.message),
            "file": loc.file if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "hint": scrub(self.hint) if self.hint else None,
        }


class ParseError(SqlflowError):
    """SQL that the Flink dialect cannot read."""


class ValidationError(SqlflowError):
    """SQL that parses but does not check: names, types, options."""


class ConfigError(SqlflowError):
    """A bad sqlflow.yaml, environment variable or command-line setting."""


class UdfError(SqlflowError):
    """A UDF that cannot be loaded or whose signature is wrong."""


class ModelError(SqlflowError):
    """A model file that is missing, cannot load or does not fit its call."""


class SetupError(SqlflowError):
    """Something the platform needs (Java, jars, Flink) is missing."""


class ServiceError(SqlflowError):
    """A process sqlflow runs (Kafka, a Flink cluster) did not start or answer."""


class DeployError(SqlflowError):
    """A deployment that failed; running jobs are left as they were."""


class JobError(SqlflowError):
    """A Flink job that failed while running."""


class Diagnostics(SqlflowError):
    """Several diagnostics at once (the compiler reports all it finds)."""

    def __init__(self, errors: Sequence[SqlflowError]):
        self.errors = list(errors)
        n = sum(1 for e in self.errors if e.severity == "error")
        super().__init__(f"{n} error(s)", rule="errors")

    def render(self, color: bool = False) -> str:
        return "\n\n".join(e.render(color) for e in self.errors)
