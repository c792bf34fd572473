"""Every example from Flink's SQL documentation (tests/fixtures/dialect/flink_docs) parses and round-trips.

The documented examples that are not valid Flink SQL (typos in the docs) must
fail with a located error; they are listed here with the reason.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_BENCH = Path(__file__).resolve().parents[3] / "bench" / "bench_parse.py"
_spec = importlib.util.spec_from_file_location("bench_parse", _BENCH)
bench_parse = importlib.util.module_from_spec(_spec)
sys.modules["bench_parse"] = bench_parse
_spec.loader.exec_module(bench_parse)

EXAMPLES = bench_parse.examples()

#: (page, line) -> why the documented example is rejected.
DOC_ERRORS = {
    ("joins.sql", 34): "trailing comma before ')' (remove the comma)",  # `/* ... */` after the last option
    ("joins.sql", 46): "trailing comma before 'FROM' (remove the comma)",  # `order_time,` then FROM
    # DEFINE lists `B AS ...` and `C AS ...` without the comma between them
    ("match_recognize.sql", 70): "expected ) to close MATCH_RECOGNIZE (is a comma missing before 'C'?)",
    ("group-agg.sql", 37): "unexpected token (did you mean GROUPING SETS?)",  # `GROUPING SET (`
    ("set-ops.sql", 24): "unexpected token",  # `WHERE product EXISTS (...)`: EXISTS takes no left operand
}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.file}:{e.line}")
def test_doc_example(example) -> None:
    assert bench_parse.check(example) == DOC_ERRORS.get((example.file, example.line))


def test_share_that_round_trips() -> None:
    assert len(EXAMPLES) == 229
    ok = sum(1 for e in EXAMPLES if bench_parse.check(e) is None)
    assert ok / len(EXAMPLES) >= 0.9


GOOD = [e for e in EXAMPLES if (e.file, e.line) not in DOC_ERRORS]


@pytest.mark.parametrize("example", GOOD, ids=lambda e: f"{e.file}:{e.line}")
def test_doc_example_formats_stably(example) -> None:
    from sqlflow.dialect import format_sql, parse_script

    once = format_sql(example.sql)
    assert format_sql(once) == once
    assert [s.expression for s in parse_script(once)] == [s.expression for s in parse_script(example.sql)]


@pytest.mark.parametrize("example", GOOD, ids=lambda e: f"{e.file}:{e.line}")
def test_doc_example_positions(example) -> None:
    """Every table, column and function call is located at its own text in the source."""
    from sqlglot import exp

    from sqlflow.dialect import parse_script

    [stmt] = parse_script(example.sql, example.file)
    lines = example.sql.splitlines()
    checked = 0
    for node in stmt.expression.walk():
        if isinstance(node, exp.Identifier) and node._meta and "start" in node._meta:
            loc = stmt.locate(node)
            shown = lines[loc.line - 1][loc.column - 1 : loc.column - 1 + loc.length]
            assert shown.strip("`") == node.name
            checked += 1
        elif isinstance(node, (exp.Anonymous, exp.Func)) and node._meta and "start" in node._meta:
            loc = stmt.locate(node)
            name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()
            assert lines[loc.line - 1][loc.column - 1 :].upper().startswith(name.upper())
            checked += 1
    assert checked > 0 or not list(stmt.expression.find_all(exp.Table, exp.Column))
