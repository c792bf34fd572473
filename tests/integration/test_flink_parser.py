"""sqlflow's dialect agrees with Flink 2.2.1's own SQL parser, and ``sqlflow fmt`` never changes what it accepts.

Flink's parser (``FlinkSqlParserImpl`` with Calcite's ``SqlParser``, as the
planner configures it) runs in the PyFlink gateway JVM through
:mod:`sqlflow.flink.parser`: pure parsing, no catalog.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from sqlflow.config import CONFIG_FILE, load_config, substitute
from sqlflow.dialect import format_sql, parse_script
from sqlflow.errors import SqlflowError
from sqlflow.flink.parser import flink_parser, planner_jar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit" / "dialect"))
from flink_grammar import CANONICAL, GRAMMAR, REJECTED, STATEMENT_PRODUCTIONS  # noqa: E402

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
_BENCH = ROOT / "bench" / "bench_parse.py"


def _bench_parse():
    spec = importlib.util.spec_from_file_location("bench_parse_for_flink", _BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def parser():
    return flink_parser()


def test_the_parser_is_flinks(parser) -> None:
    ok, bad = parser.parse("SELECT 1; SHOW JOBS"), parser.parse("SELECT FROM t")
    assert (ok.ok, ok.statements) == (True, 2)
    assert (bad.ok, bad.line, bad.column) == (False, 1, 8)
    assert bad.message.startswith("Incorrect syntax near the keyword 'FROM' at line 1, column 8")
    assert planner_jar().name == "flink-table-planner-2.2.1.jar"


def test_every_listed_production_is_one_of_flinks(parser) -> None:
    """The productions the grammar tests name are methods of the pinned jar's generated parser."""
    cls = parser._class("org.apache.flink.sql.parser.impl.FlinkSqlParserImpl")  # noqa: SLF001
    methods = {str(m.getName()) for m in cls.getDeclaredMethods()}
    assert sorted(p for p in STATEMENT_PRODUCTIONS if p not in methods) == []


def test_flink_accepts_every_grammar_case(parser) -> None:
    cases = [sql for statements in GRAMMAR.values() for sql in statements] + [s for pair in CANONICAL for s in pair]
    refused = [(sql, r.message) for sql in cases if not (r := parser.parse(sql)).ok]
    assert refused == []
    formatted = [sql for sql in cases if not parser.parse(format_sql(sql)).ok]
    assert formatted == []


def test_flink_refuses_what_the_dialect_refuses(parser) -> None:
    accepted = [sql for sql, _ in REJECTED if parser.parse(sql).ok]
    assert accepted == []


def _lookup(path: Path):
    """``${NAME}`` values for a file: its project's sqlflow.yaml, else the environment."""
    for folder in path.parents:
        if (folder / CONFIG_FILE).exists():
            return load_config(folder).lookup_var
    return lambda name: None


def _fmt_changes(parser, path: Path) -> tuple[int, list[str]]:
    """(statements Flink accepted as written, those of them it refuses after ``sqlflow fmt``)."""
    raw = path.read_text(encoding="utf-8")
    try:
        formatted = format_sql(raw, str(path))
        before = parse_script(raw, str(path))
        after = parse_script(formatted, str(path))
    except SqlflowError:
        return 0, []  # the dialect refuses the file: fmt leaves it as it is
    assert len(before) == len(after), path
    lookup = _lookup(path)
    accepted, broken = 0, []
    for b, a in zip(before, after):
        if not parser.parse(substitute(b.sql, lookup)[0]).ok:
            continue
        accepted += 1
        verdict = parser.parse(substitute(a.sql, lookup)[0])
        if not verdict.ok:
            broken.append(f"{path.relative_to(ROOT)}:{b.location.line}: {verdict.message}")
    return accepted, broken


@pytest.mark.parametrize("where", ["sql", "tests/fixtures"])
def test_fmt_keeps_every_accepted_statement_of_the_sql_files(parser, where: str) -> None:
    files = sorted((ROOT / where).rglob("*.sql"))
    accepted, broken = 0, []
    for path in files:
        n, bad = _fmt_changes(parser, path)
        accepted += n
        broken += bad
    assert broken == []
    assert accepted >= {"sql": 40, "tests/fixtures": 300}[where], accepted


def test_fmt_keeps_every_accepted_documented_statement(parser) -> None:
    bench = _bench_parse()
    verdicts = bench.flink_verdicts(bench.documented())
    accepted = [v for v in verdicts if v.before]
    not_kept = [(f"{v.example.file}:{v.example.line}", v.ours, v.after_message) for v in accepted if not v.after]
    assert not_kept == []
    assert len(accepted) >= 250
