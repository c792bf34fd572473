"""sqlglot-style helpers for Flink dialect tests."""

from __future__ import annotations

import sqlglot
from sqlglot import exp

import sqlflow.dialect  # noqa: F401 - registers the "flink" dialect


def validate_identity(sql: str, write_sql: str | None = None) -> exp.Expr:
    """Parse, generate and re-parse: text is canonical (or ``write_sql``) and trees are equal."""
    tree = sqlglot.parse_one(sql, read="flink")
    out = tree.sql(dialect="flink")
    assert out == (write_sql or sql)
    again = sqlglot.parse_one(out, read="flink")
    assert again == tree
    pretty = tree.sql(dialect="flink", pretty=True)
    assert sqlglot.parse_one(pretty, read="flink") == tree
    return tree
