"""The node shapes promised in the sqlflow.dialect docstring, checked one by one."""

from __future__ import annotations

import sqlglot
from sqlglot import exp

import sqlflow.dialect  # noqa: F401 - registers "flink"
from sqlflow.dialect import expressions as fx
from sqlflow.dialect import parse_script, with_options


def one(sql: str) -> exp.Expr:
    return sqlglot.parse_one(sql, read="flink")


def test_create_function() -> None:
    tree = one("CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS cat.db.f AS 'udfs.f' LANGUAGE PYTHON USING JAR 'a.jar'")
    assert (tree.kind, tree.args["exists"], tree.this.sql("flink"), tree.expression.name) == (
        "FUNCTION", True, "cat.db.f", "udfs.f")
    props = tree.args["properties"].expressions
    assert [type(p).__name__ for p in props] == ["TemporaryProperty", "LanguageProperty", "FunctionUsing"]
    assert (props[0].this.name, props[1].this.name, [j.name for j in props[2].expressions]) == ("SYSTEM", "PYTHON", ["a.jar"])


def test_create_model() -> None:
    tree = one("CREATE MODEL m INPUT (t STRING) OUTPUT (label STRING, p DOUBLE) COMMENT 'c' WITH ('provider' = 'x')")
    props = tree.args["properties"].expressions
    assert [type(p).__name__ for p in props] == ["InputModelProperty", "OutputModelProperty", "SchemaCommentProperty", "Property"]
    assert [(c.name, c.kind.sql("flink")) for c in props[1].this.expressions] == [("label", "STRING"), ("p", "DOUBLE")]
    assert with_options(tree) == {"provider": "x"}


def test_view_and_temporary() -> None:
    tree = one("CREATE TEMPORARY VIEW v (a) AS SELECT 1")
    assert (tree.kind, type(tree.this).__name__, [type(p).__name__ for p in tree.args["properties"].expressions]) == (
        "VIEW", "Schema", ["TemporaryProperty"])


def test_set_reset_use() -> None:
    s = one("SET 'k' = 'v'")
    assert isinstance(s, exp.Set) and (s.expressions[0].this.this.name, s.expressions[0].this.expression.name) == ("k", "v")
    assert one("SET").expressions == []
    assert isinstance(one("RESET"), fx.Reset) and one("RESET 'k'").this.name == "k"
    use = one("USE CATALOG c")
    assert (use.args["kind"].name, use.this.name) == ("CATALOG", "c")


def test_drop_and_alter() -> None:
    drop = one("DROP TEMPORARY SYSTEM FUNCTION IF EXISTS f")
    assert (drop.args["kind"], drop.args["exists"], drop.args["temporary"].name, drop.args["tables"][0].name) == (
        "FUNCTION", True, "SYSTEM", "f")
    alter = one("ALTER TABLE t SET ('a' = '1')")
    action = alter.args["actions"][0]
    assert isinstance(action, fx.AlterOptions) and not action.args.get("reset") and action.expressions[0].name == "a"


def test_insert_with_static_partition_and_columns() -> None:
    ins = one("INSERT OVERWRITE c.t PARTITION (dt = '2024') (a, b) SELECT 1, 2")
    assert ins.args["overwrite"] is True and isinstance(ins.this, exp.Schema)
    table = ins.this.this
    assert ([p.name for p in table.parts], [e.sql("flink") for e in table.args["partition"].expressions]) == (
        ["c", "t"], ["dt = '2024'"])
    assert [c.name for c in ins.this.expressions] == ["a", "b"]


def test_lateral_table_and_unnest() -> None:
    tree = one("SELECT * FROM o, LATERAL TABLE(split(s)) AS T(w, n) CROSS JOIN UNNEST(tags) AS u(tag)")
    lateral = tree.find(exp.Lateral)
    assert isinstance(lateral.this, exp.TableFromRows) and lateral.this.this.name == "split"
    assert (lateral.alias, [c.name for c in lateral.args["alias"].columns]) == ("T", ["w", "n"])
    assert tree.find(exp.Unnest).args["alias"].columns[0].name == "tag"


def test_ml_predict_in_from() -> None:
    tree = one("SELECT * FROM ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(f1, f2))")
    call = tree.args["from_"].this.this
    assert (call.name, [type(a).__name__ for a in call.expressions]) == (
        "ML_PREDICT", ["TableArgument", "ModelArgument", "Descriptor"])
    assert (call.expressions[1].this.name, [c.name for c in call.expressions[2].expressions]) == ("m", ["f1", "f2"])


def test_session_window_partition() -> None:
    tree = one("SELECT * FROM TABLE(SESSION(TABLE bids PARTITION BY item, DESCRIPTOR(ts), INTERVAL '5' MINUTES))")
    arg = tree.find(fx.TableArgument)
    assert (arg.this.name, [p.sql("flink") for p in arg.args["partition_by"]]) == ("bids", ["item"])
    call = tree.find(exp.TableFromRows).this
    assert [type(a).__name__ for a in call.expressions] == ["TableArgument", "Descriptor", "Interval"]
    two = one("SELECT * FROM TABLE(SESSION(TABLE bids PARTITION BY (item, shop), DESCRIPTOR(ts), INTERVAL '5' MINUTES))")
    assert [p.name for p in two.find(fx.TableArgument).args["partition_by"]] == ["item", "shop"]
    assert two.sql("flink") == (
        "SELECT * FROM TABLE(SESSION(TABLE bids PARTITION BY (item, shop), DESCRIPTOR(ts), INTERVAL '5' MINUTES))")


def test_sql_client_statement_set_is_one_statement() -> None:
    stmts = parse_script("BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nINSERT INTO b SELECT 2;\nEND;\nSELECT 3;")
    assert [type(s.expression).__name__ for s in stmts] == ["StatementSet", "Select"]
    assert stmts[0].expression.args["sql_client"] is True
    assert [i.this.name for i in stmts[0].expression.expressions] == ["a", "b"]


def test_explain_and_show() -> None:
    ex = one("EXPLAIN CHANGELOG_MODE, ESTIMATED_COST INSERT INTO t SELECT 1")
    assert ([d.name for d in ex.args["details"]], type(ex.this).__name__) == (["CHANGELOG_MODE", "ESTIMATED_COST"], "Insert")
    show = one("SHOW TABLES FROM c.db NOT LIKE 'x%'")
    assert (show.name, show.args["scope"].sql("flink"), show.args["not_"], show.args["like"].name) == (
        "TABLES", "c.db", True, "x%")


def test_named_window_arguments() -> None:
    tree = one("SELECT * FROM TABLE(TUMBLE(DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '1' MINUTE))")
    args = tree.find(exp.TableFromRows).this.expressions
    assert [(a.this.name, type(a.expression).__name__) for a in args] == [
        ("DATA", "TableArgument"), ("TIMECOL", "Descriptor"), ("SIZE", "Interval")]


def test_create_table_like_and_ctas() -> None:
    like = one("CREATE TABLE t2 (WATERMARK FOR ts AS ts) WITH ('a' = 'b') LIKE t1 (EXCLUDING ALL INCLUDING GENERATED)")
    prop = next(p for p in like.args["properties"].expressions if isinstance(p, exp.LikeProperty))
    assert (prop.this.name, [(o.name, o.text("value")) for o in prop.expressions]) == (
        "t1", [("EXCLUDING", "ALL"), ("INCLUDING", "GENERATED")])
    ctas = one("CREATE TABLE t WITH ('connector' = 'print') AS SELECT a FROM s")
    assert (type(ctas.this).__name__, type(ctas.expression).__name__, with_options(ctas)) == (
        "Table", "Select", {"connector": "print"})


def test_column_constraints() -> None:
    tree = one("CREATE TABLE t (id INT CONSTRAINT pk PRIMARY KEY NOT ENFORCED COMMENT 'key', c AS id + 1 COMMENT 'derived',"
               " CONSTRAINT pk2 PRIMARY KEY (id) NOT ENFORCED)")
    col, computed, named = tree.this.expressions
    kinds = [(c.args.get("this") and c.this.name, type(c.kind).__name__) for c in col.constraints]
    assert kinds == [("pk", "PrimaryKeyColumnConstraint"), (None, "CommentColumnConstraint")]
    assert [o.name for o in col.constraints[0].kind.args["options"]] == ["NOT ENFORCED"]
    assert [type(c.kind).__name__ for c in computed.constraints] == ["ComputedColumnConstraint", "CommentColumnConstraint"]
    assert (type(named).__name__, named.this.name, [c.name for c in named.expressions[0].expressions]) == (
        "Constraint", "pk2", ["id"])


def test_temporal_join_version() -> None:
    tree = one("SELECT * FROM o LEFT JOIN r FOR SYSTEM_TIME AS OF o.proc AS x ON o.k = x.k")
    table = tree.args["joins"][0].this
    assert (table.name, table.alias, table.args["version"].sql("flink")) == ("r", "x", "FOR SYSTEM_TIME AS OF o.proc")
