"""Every production of Flink 2.2's SQL grammar parses to a real tree and is written back as it was read.

The statements and the productions they exercise are in ``flink_grammar.py``;
tests/integration/test_flink_parser.py checks the same statements against
Flink's own parser.
"""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from flink_grammar import CANONICAL, GRAMMAR, NOT_ALONE, REJECTED, STATEMENT_PRODUCTIONS
from flink_helpers import validate_identity
from sqlflow.dialect import expressions as fx
from sqlflow.dialect import parse_script
from sqlflow.errors import ParseError

CASES = [(production, sql) for production, statements in GRAMMAR.items() for sql in statements]


@pytest.mark.parametrize("production, sql", CASES, ids=[f"{p}-{i}" for i, (p, _) in enumerate(CASES)])
def test_production_round_trips(production: str, sql: str) -> None:
    tree = validate_identity(sql)
    assert not list(tree.find_all(exp.Command)), "no statement may fall back to an untyped command"


@pytest.mark.parametrize("sql, written", CANONICAL)
def test_canonical_spelling(sql: str, written: str) -> None:
    validate_identity(sql, written)


@pytest.mark.parametrize("sql, message", REJECTED)
def test_rejected_as_flink_rejects(sql: str, message: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_script(sql, "bad.sql")
    err = info.value
    assert err.message.startswith(message), err.message
    assert (err.location.file, err.location.line, err.rule) == ("bad.sql", 1, "syntax")


def test_every_statement_production_has_a_case() -> None:
    covered = set(GRAMMAR) | set(NOT_ALONE)
    assert sorted(set(STATEMENT_PRODUCTIONS) - covered) == []


def test_materialized_table_shape() -> None:
    tree = sqlglot.parse_one(
        "CREATE MATERIALIZED TABLE c.d.m (PRIMARY KEY (a) NOT ENFORCED) DISTRIBUTED BY HASH(a) INTO 4 BUCKETS"
        " PARTITIONED BY (a) FRESHNESS = INTERVAL '1' HOUR REFRESH_MODE = FULL AS SELECT a FROM s", read="flink")
    assert (type(tree).__name__, tree.kind, tree.this.this.sql("flink")) == ("Create", "MATERIALIZED TABLE", "c.d.m")
    props = {type(p).__name__: p for p in tree.args["properties"].expressions}
    dist = props["Distribution"]
    assert (dist.args["kind"], [c.name for c in dist.expressions], dist.args["buckets"].name) == ("HASH", ["a"], "4")
    assert props["Freshness"].this.sql("flink") == "INTERVAL '1' HOUR"
    assert props["RefreshMode"].this.name == "FULL"
    assert isinstance(tree.expression, exp.Select)


def test_alter_table_shapes() -> None:
    add = sqlglot.parse_one("ALTER TABLE t ADD (new_row.f2 INT, DISTRIBUTION INTO 2 BUCKETS)", read="flink")
    action = add.args["actions"][0]
    nested, dist = action.expressions
    assert (type(action).__name__, action.name, nested.this.sql("flink"), nested.this.name) == (
        "AlterSchema", "ADD", "new_row.f2", "f2")
    assert (type(dist).__name__, dist.args.get("this"), dist.expression.args["buckets"].name) == (
        "AlterDistribution", None, "2")
    parts = sqlglot.parse_one("ALTER TABLE t ADD IF NOT EXISTS PARTITION (p = 1) WITH ('k' = 'v')", read="flink")
    spec = parts.args["actions"][0]
    assert (type(spec).__name__, spec.name, spec.args["exists"], spec.expressions[0].expressions[0].sql("flink")) == (
        "AlterPartitions", "ADD", True, "p = 1")
    mt = sqlglot.parse_one("ALTER MATERIALIZED TABLE m REFRESH PARTITION (ds = '1')", read="flink")
    assert (mt.kind, type(mt.args["actions"][0]).__name__, mt.args["actions"][0].name) == (
        "MATERIALIZED TABLE", "AlterMaterialized", "REFRESH")


def test_plan_statements_shape() -> None:
    plan = sqlglot.parse_one("COMPILE PLAN 'p.json' IF NOT EXISTS FOR INSERT INTO t SELECT 1", read="flink")
    assert (type(plan).__name__, plan.this.name, plan.args["exists"], type(plan.expression).__name__) == (
        "CompilePlan", "p.json", True, "Insert")
    run = sqlglot.parse_one("EXECUTE PLAN 'p.json'", read="flink")
    assert (type(run).__name__, run.this.name) == ("ExecutePlan", "p.json")
    job = sqlglot.parse_one("DESCRIBE JOB 'abc'", read="flink")
    assert (type(job).__name__, job.args["kind"], job.this.name) == ("Describe", "JOB", "abc")


def test_table_argument_order_keeps_its_keys() -> None:
    """``ORDER BY (ts ASC, score DESC)`` in a table argument is two sort keys, never an alias."""
    tree = validate_identity("SELECT * FROM TABLE(f(TABLE t PARTITION BY a ORDER BY (ts ASC, score DESC)))")
    arg = tree.find(fx.TableArgument)
    assert [(k.this.name, k.args.get("desc")) for k in arg.args["order"].expressions] == [
        ("ts", False), ("score", True)]
    assert arg.args["order_wrapped"] is True


def test_quoted_named_argument_keeps_its_quotes() -> None:
    """A reserved word as a parameter name (```OFFSET` => ...``) stays backquoted, as Flink needs it."""
    tree = validate_identity("SELECT * FROM TABLE(TUMBLE(DATA => TABLE t, TIMECOL => DESCRIPTOR(ts),"
                             " SIZE => INTERVAL '1' MINUTE, `OFFSET` => INTERVAL '1' SECOND))")
    names = [(k.this.name, k.this.args.get("quoted")) for k in tree.find_all(exp.Kwarg)]
    assert names == [("DATA", None), ("TIMECOL", None), ("SIZE", None), ("OFFSET", True)]


def test_hint_before_system_time_is_kept() -> None:
    tree = validate_identity("SELECT * FROM o JOIN r /*+ OPTIONS('lookup.cache' = 'NONE') */"
                             " FOR SYSTEM_TIME AS OF o.ts AS x ON o.k = x.k")
    table = tree.args["joins"][0].this
    assert (len(table.args["hints"]), table.args["version"].sql("flink"), table.alias) == (
        1, "FOR SYSTEM_TIME AS OF o.ts", "x")


def test_replace_table_is_not_create_or_replace() -> None:
    """RTAS fails on a missing table; CREATE OR REPLACE creates it: the two spellings stay apart."""
    rtas = sqlglot.parse_one("REPLACE TABLE t AS SELECT 1", read="flink")
    cortas = sqlglot.parse_one("CREATE OR REPLACE TABLE t AS SELECT 1", read="flink")
    assert (rtas.sql("flink"), cortas.sql("flink")) == (
        "REPLACE TABLE t AS SELECT 1", "CREATE OR REPLACE TABLE t AS SELECT 1")
    assert rtas != cortas
