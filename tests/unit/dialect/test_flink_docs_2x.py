"""The examples of Flink 2.x's documentation pages (tests/fixtures/dialect/flink_docs/flink2) parse and round-trip.

Materialized tables, process table functions, vector search, compiled plans
and DISTRIBUTED BY; the examples the docs get wrong are listed with the reason.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from sqlflow.dialect import format_sql, parse_script

_BENCH = Path(__file__).resolve().parents[3] / "bench" / "bench_parse.py"
_spec = importlib.util.spec_from_file_location("bench_parse_2x", _BENCH)
bench_parse = importlib.util.module_from_spec(_spec)
sys.modules["bench_parse_2x"] = bench_parse
_spec.loader.exec_module(bench_parse)

EXAMPLES = [e for e in bench_parse.documented() if e.file.startswith("flink2/")]

#: (page, line) -> why the documented example is rejected.
DOC_ERRORS = {
    ("flink2/vector-search.sql", 32): "trailing comma before ')' (remove the comma)",  # `10,` then `))`
}


def test_collection() -> None:
    pages = sorted({e.file for e in EXAMPLES})
    assert (len(EXAMPLES), pages) == (39, [
        "flink2/compiled-plan.sql", "flink2/flip-376-distribution.sql", "flink2/materialized-table-statements.sql",
        "flink2/ptfs.sql", "flink2/vector-search.sql"])
    assert len(bench_parse.documented()) == len(bench_parse.examples()) + len(EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.file}:{e.line}")
def test_doc_example(example) -> None:
    assert bench_parse.check(example) == DOC_ERRORS.get((example.file, example.line))


GOOD = [e for e in EXAMPLES if (e.file, e.line) not in DOC_ERRORS]


@pytest.mark.parametrize("example", GOOD, ids=lambda e: f"{e.file}:{e.line}")
def test_doc_example_formats_stably(example) -> None:
    once = format_sql(example.sql)
    assert format_sql(once) == once
    assert [s.expression for s in parse_script(once)] == [s.expression for s in parse_script(example.sql)]


def test_readme_states_the_measured_figures() -> None:
    """README.md's compiler section quotes bench/parse_results.json, which bench_parse.py writes."""
    import json
    import re

    root = _BENCH.parents[1]
    results = json.loads((root / "bench" / "parse_results.json").read_text(encoding="utf-8"))
    readme = " ".join((root / "README.md").read_text(encoding="utf-8").split())
    m = re.search(r"of the (\d+) statements collected from Flink's own documentation, Flink ([\d.]+)'s own parser"
                  r" accepts (\d+) \(the rest are mistakes in the docs\), and all (\d+) parse, round-trip", readme)
    assert m is not None
    flink = results["flink"]
    assert (int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))) == (
        results["examples"], flink["version"], flink["accepted_as_written"], flink["formatted_and_accepted"])
    assert results["examples"] == len(bench_parse.documented())
    assert flink["fmt_broke"] == flink["sqlflow_refused"] == []
