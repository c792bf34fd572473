"""Hostile input: always one located error per file, never a traceback or a hang."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from sqlflow.compiler import compile_project


def _only(project: Path, name: str, content: bytes) -> list[str]:
    sql = project / "sql"
    sql.mkdir(parents=True)
    (sql / name).write_bytes(content)
    compiled = compile_project(project)
    return [f"{d.location}: {d.rule}: {d.message}" for d in compiled.diagnostics]


@pytest.fixture
def empty(tmp_path: Path) -> Path:
    return tmp_path / "p"


def test_random_bytes(empty: Path) -> None:
    data = bytes(random.Random(7).randrange(256) for _ in range(4096))
    got = _only(empty, "noise.sql", data)
    assert got == ["sql/noise.sql:1:1: syntax: undecodable byte in the file (not UTF-8 text)"]


def test_unterminated_string(empty: Path) -> None:
    got = _only(empty, "s.sql", b"SELECT 1;\nSELECT 'abc FROM t;\n")
    assert got == ["sql/s.sql:2:8: syntax: unterminated string"]


def test_unterminated_comment(empty: Path) -> None:
    got = _only(empty, "c.sql", b"SELECT 1 /* never closed\n")
    assert got == ["sql/c.sql:1:10: syntax: unterminated comment"]


def test_ten_megabyte_statement_is_refused_quickly(empty: Path) -> None:
    text = "SELECT " + " + ".join(["1"] * 2_500_000) + ";\n"
    start = time.perf_counter()
    got = _only(empty, "big.sql", text.encode())
    assert time.perf_counter() - start < 10
    assert got == ["sql/big.sql:1:1: syntax: file too large to parse (10.0 MB; the limit is 1 MB)"]


def test_deep_parentheses(empty: Path) -> None:
    got = _only(empty, "p.sql", ("SELECT " + "(" * 3000 + "1" + ")" * 3000 + ";").encode())
    assert got == ["sql/p.sql:1:208: syntax: parentheses nested more than 200 deep"]


def test_long_operator_chain_is_a_located_error(empty: Path) -> None:
    got = _only(empty, "chain.sql", ("SELECT 1;\n\nSELECT " + " + ".join(["1"] * 3000) + ";").encode())
    assert got == ["sql/chain.sql:3:1: syntax: statement is nested too deeply to check"]


def test_grouping_over_flink_only_functions(empty: Path) -> None:
    # found by fuzzing: the grouping check wrote each expression in sqlglot's default dialect, which has
    # no JSON_VALUE ... RETURNING: a ValueError (an internal error of `sqlflow validate`)
    got = _only(empty, "j.sql", b"CREATE TABLE t (k INT, s STRING) WITH ('connector' = 'datagen');\n"
                                b"SET 'table.exec.state.ttl' = '1 h';\n"
                                b"SELECT k, JSON_VALUE(s, '$.a' RETURNING INT) FROM t GROUP BY k;\n"
                                b"SELECT JSON_VALUE(s, '$.a'), COUNT(*) FROM t GROUP BY JSON_VALUE(s, '$.a');\n")
    assert got == ["sql/j.sql:3:22: grouping: column 's' is neither in GROUP BY nor inside an aggregate"]
