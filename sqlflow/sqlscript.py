"""Split a SQL file into statements exactly as written, with their line numbers.

This is deliberately not a parser: it only knows quotes, comments and
``BEGIN ... END`` blocks, so that a job runs its SQL verbatim even where the
compiler's dialect would normalise it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RawStatement:
    """One statement's text (no trailing semicolon) and where it starts (1-based)."""

    text: str
    line: int
    column: int

    @property
    def kind(self) -> str:
        """The first keyword(s), upper-cased: SET, CREATE, INSERT, EXECUTE, SELECT, ..."""
        body = strip_comments(self.text).strip()
        return body.split(None, 1)[0].upper() if body else ""


_WORD = re.compile(r"[A-Za-z_]+")


def strip_comments(text: str) -> str:
    """The text with ``--`` and ``/* */`` comments removed (hints ``/*+ */`` kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n:
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i) and not text.startswith("/*+", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
            out.append(" ")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _code_start(chunk: str) -> int:
    """Offset of the first character that is neither whitespace nor part of a comment."""
    i, n = 0, len(chunk)
    while i < n:
        if chunk[i].isspace():
            i += 1
        elif chunk.startswith("--", i):
            j = chunk.find("\n", i)
            i = n if j < 0 else j + 1
        elif chunk.startswith("/*", i) and not chunk.startswith("/*+", i):
            j = chunk.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            return i
    return 0


def split_statements(text: str) -> list[RawStatement]:
    """Split at top-level semicolons; ``BEGIN STATEMENT SET; ... END;`` and
    ``EXECUTE STATEMENT SET BEGIN ... END;`` stay one statement."""
    stmts: list[RawStatement] = []
    i, n = 0, len(text)
    start = 0
    depth = 0  # BEGIN ... END nesting
    words: list[str] = []  # recent keywords of the current statement

    def flush(end: int) -> None:
        chunk = text[start:end]
        body = strip_comments(chunk).strip()
        if body:
            pos = start + _code_start(chunk)
            line = text.count("\n", 0, pos) + 1
            col = pos - (text.rfind("\n", 0, pos) + 1) + 1
            stmts.append(RawStatement(chunk.strip(), line, col))

    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n:
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            i = j + 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c.isalpha() or c == "_":
            m = _WORD.match(text, i)
            word = m.group(0).upper()
            if word == "BEGIN":
                depth += 1
            elif word == "END" and depth:
                depth -= 1
            words.append(word)
            i = m.end()
        elif c == ";":
            # "BEGIN STATEMENT SET;" opens a block that ends at "END;"
            if words[-3:] == ["BEGIN", "STATEMENT", "SET"] and len(words) == 3:
                i += 1
                continue
            if depth == 0:
                flush(i)
                start = i + 1
                words = []
            i += 1
        else:
            i += 1
    flush(n)
    return stmts
