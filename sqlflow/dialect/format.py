"""``format_sql``: the house style for whole Flink SQL files.

Uppercase keywords, one clause per line, 4-space indents, WITH options and
table columns one per line, each statement ended by ``;`` and separated from
the next by a blank line. Comments before a statement stay ``--`` lines;
comments inside it are kept by sqlglot as ``/* ... */``.
"""

from __future__ import annotations

import sys

from sqlglot import exp

from sqlflow.dialect.flink import Flink
from sqlglot.errors import UnsupportedError

from sqlflow.dialect.script import Statement, parse_script
from sqlflow.errors import ParseError

INDENT = 4


def format_sql(text: str, file: str = "<string>") -> str:
    """Format every statement of ``text``; raises the same errors as ``parse_script``."""
    statements = parse_script(text, file)
    if not statements:  # only comments (or nothing): keep them as written
        return text.strip() + "\n" if text.strip() else ""
    parts = []
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))  # the generator recurses per nesting level, as the parser does
    try:
        for stmt in statements:
            try:
                parts.append(_format_one(stmt))
            except UnsupportedError as err:
                raise ParseError(f"cannot write this statement back as Flink SQL: {err}", stmt.location,
                                 rule="syntax") from None
            except RecursionError:
                raise ParseError("statement nested too deeply to format", stmt.location, rule="syntax") from None
    finally:
        sys.setrecursionlimit(limit)
    return "\n\n".join(parts) + "\n" if parts else ""


def _format_one(stmt: Statement) -> str:
    """One statement with its leading comment lines and a trailing comment after the ``;``."""
    tree = stmt.expression.copy()
    lead = tree.comments or []
    tree.comments = None
    lines = [_comment(c) for c in lead]
    body = format_statement(tree) + ";"
    lines.append(body)
    if stmt.comments and stmt.comments_own_line:
        lines.extend(_comment(c) for c in stmt.comments)
    elif len(stmt.comments) == 1 and "\n" not in stmt.comments[0]:
        lines[-1] += " " + _comment(stmt.comments[0])
    elif stmt.comments:
        lines[-1] += " " + " ".join(f"/* {c.strip()} */" for c in stmt.comments)
    return "\n".join(lines)


def format_statement(tree: exp.Expr) -> str:
    """One statement in the house style, without the closing ``;``."""
    return Flink().generate(tree, pretty=True, pad=INDENT, indent=INDENT)


def _comment(text: str) -> str:
    if "\n" in text.strip() or "*/" in text:
        text = text.strip()
        return f"/* {text} */" if "*/" not in text else "-- " + " ".join(text.split())
    # a line comment keeps its own indentation (aligned columns in header comments)
    text = text.rstrip()
    text = text[1:] if text.startswith(" ") else text
    return f"-- {text}" if text else "--"
