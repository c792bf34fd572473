"""The reserved-word rule's list agrees with Flink's own parser, word by word.

Every word the rule flags is refused by Flink as a column name, and a few
ordinary names that look like keywords are accepted by both.
"""

from __future__ import annotations

import pytest

from sqlflow.compiler.rules.reserved_word import RESERVED

pytestmark = pytest.mark.integration

ORDINARY = ("name", "key", "data", "label", "score", "status", "type", "size", "level", "ts")


@pytest.fixture(scope="module")
def table_env():
    from pyflink.table import EnvironmentSettings, TableEnvironment

    return TableEnvironment.create(EnvironmentSettings.in_streaming_mode())


def _accepted(env, column: str, n: int) -> bool:
    try:
        env.execute_sql(f"CREATE TEMPORARY TABLE rw_{n} ({column} INT) WITH ('connector' = 'datagen')")
        return True
    except Exception as exc:  # Py4JJavaError wrapping Flink's SqlParserException
        assert "SQL parse failed" in str(exc), str(exc)[:500]
        return False


def test_every_flagged_word_is_refused_by_flinks_parser(table_env) -> None:
    accepted = [w for n, w in enumerate(sorted(RESERVED)) if _accepted(table_env, w.lower(), n)]
    assert accepted == []


def test_ordinary_names_and_quoted_words_are_accepted(table_env) -> None:
    assert [w for n, w in enumerate(ORDINARY) if not _accepted(table_env, w, 1000 + n)] == []
    assert _accepted(table_env, "`value`", 2000)
    assert not any(w.upper() in RESERVED for w in ORDINARY)
