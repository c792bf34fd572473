"""Round trips of every Flink construct: parse -> generate -> parse gives the same tree."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from flink_helpers import validate_identity
from sqlflow.dialect import expressions as fx
from sqlflow.dialect import with_options

IDENTITIES = [
    # DDL: tables
    "CREATE TABLE t (a INT, b STRING)",
    "CREATE TABLE IF NOT EXISTS cat.db.t (a INT NOT NULL, b VARCHAR(10) COMMENT 'the b')",
    "CREATE TABLE t (a INT, b AS a + 1, c AS UPPER(s) COMMENT 'computed')",
    "CREATE TABLE t (ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL, p INT METADATA VIRTUAL, o BIGINT METADATA)",
    "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)",
    "CREATE TABLE t (id BIGINT, PRIMARY KEY (id) NOT ENFORCED)",
    "CREATE TABLE t (id BIGINT, CONSTRAINT pk PRIMARY KEY (id, k) NOT ENFORCED)",
    "CREATE TABLE t (id BIGINT PRIMARY KEY NOT ENFORCED)",
    "CREATE TABLE t (a INT, dt STRING) PARTITIONED BY (dt) WITH ('connector' = 'filesystem', 'path' = '/tmp/x')",
    "CREATE TABLE t (a INT) COMMENT 'a table' WITH ('connector' = 'kafka')",
    "CREATE TABLE t2 WITH ('topic' = 'b') LIKE t1",
    "CREATE TABLE t2 (c INT) WITH ('topic' = 'b') LIKE t1 (EXCLUDING ALL INCLUDING OPTIONS OVERWRITING WATERMARKS)",
    "CREATE TABLE t WITH ('connector' = 'print') AS SELECT a, b FROM s",
    "CREATE OR REPLACE TABLE t WITH ('connector' = 'print') AS SELECT a FROM s",
    "CREATE TEMPORARY TABLE `my table` (`select` INT)",
    # types
    "CREATE TABLE t (a ARRAY<INT>, b MAP<STRING, BIGINT>, c MULTISET<STRING>, d ROW<x INT, y STRING>)",
    "CREATE TABLE t (a DECIMAL(10, 2), b BYTES, c TIMESTAMP(3), d TIMESTAMP_LTZ(3), e TIME(0), f DATE)",
    "CREATE TABLE t (a ARRAY<INT NOT NULL>, b ROW<x INT NOT NULL, y ARRAY<ROW<z DOUBLE>>> NOT NULL)",
    "CREATE TABLE t (a BOOLEAN, b TINYINT, c SMALLINT, d FLOAT, e DOUBLE, f BINARY(3), g VARBINARY(9), h CHAR(2))",
    "SELECT CAST(x AS INT NOT NULL), CAST(y AS ROW<a INT, b STRING>), TRY_CAST(z AS BIGINT) FROM t",
    "SELECT CAST(x AS TIMESTAMP(3) WITH LOCAL TIME ZONE), CAST(y AS TIMESTAMP WITH LOCAL TIME ZONE) FROM t",
    "SELECT TIMESTAMP '2023-07-31 00:00:00', DATE '2020-01-01', TIME '10:00:00', CAST('1' AS INT) FROM t",
    # views, functions, models, catalogs, databases
    "CREATE VIEW v AS SELECT a FROM t",
    "CREATE TEMPORARY VIEW IF NOT EXISTS v (x, y) COMMENT 'v' AS SELECT a, b FROM t",
    "CREATE FUNCTION f AS 'com.example.F'",
    "CREATE TEMPORARY FUNCTION IF NOT EXISTS score AS 'udfs.ctr.score' LANGUAGE PYTHON",
    "CREATE TEMPORARY SYSTEM FUNCTION cat.db.f AS 'a.B' LANGUAGE JAVA USING JAR '/x/a.jar', JAR '/x/b.jar'",
    "CREATE MODEL m INPUT (text STRING) OUTPUT (label STRING, score DOUBLE) COMMENT 'clf' WITH ('provider' = 'openai', 'task' = 'classification')",
    "CREATE TEMPORARY MODEL IF NOT EXISTS m WITH ('provider' = 'x')",
    "CREATE CATALOG c WITH ('type' = 'generic_in_memory')",
    "CREATE DATABASE IF NOT EXISTS c.d COMMENT 'db' WITH ('k' = 'v')",
    # DROP / ALTER
    "DROP TABLE t",
    "DROP TEMPORARY VIEW IF EXISTS cat.db.v",
    "DROP TEMPORARY SYSTEM FUNCTION IF EXISTS f",
    "DROP DATABASE d CASCADE",
    "DROP MODEL m",
    "DROP CATALOG c",
    "ALTER TABLE t SET ('k' = 'v', 'k2' = 'v2')",
    "ALTER TABLE IF EXISTS t RESET ('k', 'k2')",
    "ALTER TABLE t RENAME TO t2",
    "ALTER TABLE t RENAME a TO b",
    "ALTER TABLE t ADD (c INT COMMENT 'c', WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)",
    "ALTER TABLE t MODIFY d AS a + 1",
    "ALTER TABLE t DROP (a, b)",
    "ALTER TABLE t DROP PRIMARY KEY",
    "ALTER TABLE t DROP WATERMARK",
    "ALTER VIEW v RENAME TO w",
    "ALTER VIEW v AS SELECT 1",
    "ALTER MODEL m SET ('k' = 'v')",
    # session statements
    "SET 'table.local-time-zone' = 'Europe/Berlin'",
    "SET",
    "RESET 'execution.runtime-mode'",
    "RESET",
    "USE CATALOG c",
    "USE c.db",
    "USE MODULES hive, core",
    "LOAD MODULE hive WITH ('hive-version' = '3.1.3')",
    "UNLOAD MODULE hive",
    "ADD JAR '/tmp/a.jar'",
    "TRUNCATE TABLE cat.db.orders",
    "STOP JOB '228d70913eab60dda85c5e7f78b5782c' WITH SAVEPOINT WITH DRAIN",
    "STOP JOB 'abc'",
    "CALL `system`.generate_n(4)",
    "CALL c.db.compact('t', 2)",
    "ANALYZE TABLE t PARTITION (y = '2022', m) COMPUTE STATISTICS FOR COLUMNS(a, b)",
    "ANALYZE TABLE t COMPUTE STATISTICS FOR ALL COLUMNS",
    "DELETE FROM t WHERE `user` = 'Lili'",
    "UPDATE t SET a = a * 2 WHERE b = 1",
    "REMOVE JAR '/tmp/a.jar'",
    "SHOW TABLES",
    "SHOW TABLES FROM c.db NOT LIKE 'a%'",
    "SHOW CURRENT CATALOG",
    "SHOW CREATE TABLE t",
    "SHOW COLUMNS FROM t LIKE '%a'",
    "SHOW USER FUNCTIONS",
    "SHOW JOBS",
    "DESCRIBE t",
    "DESC cat.db.t",
    "EXPLAIN PLAN FOR SELECT a FROM t",
    "EXPLAIN ESTIMATED_COST, CHANGELOG_MODE SELECT a FROM t",
    "EXPLAIN INSERT INTO t SELECT 1",
    # DML
    "INSERT INTO t SELECT a FROM s",
    "INSERT OVERWRITE t SELECT a FROM s",
    "INSERT INTO cat.db.t PARTITION (dt = '2024-01-01', h = 1) (a, b) SELECT a, b FROM s",
    "INSERT INTO t VALUES (1, 'a'), (2, 'b')",
    "EXECUTE INSERT INTO t SELECT 1",
    "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT * FROM s; INSERT INTO b SELECT * FROM s; END",
    "EXPLAIN STATEMENT SET BEGIN INSERT INTO a SELECT * FROM s; END",
    "BEGIN STATEMENT SET; INSERT INTO a SELECT CASE WHEN x THEN 1 END FROM s; END",
    # queries: windows
    "SELECT * FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTES))",
    "SELECT * FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '5' MINUTE, INTERVAL '10' MINUTE))",
    "SELECT * FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '2' MINUTES, INTERVAL '10' MINUTES))",
    "SELECT * FROM TABLE(SESSION(TABLE Bid PARTITION BY item, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES))",
    "SELECT * FROM TABLE(TUMBLE(DATA => TABLE Bid, TIMECOL => DESCRIPTOR(bidtime), SIZE => INTERVAL '10' MINUTES))",
    "SELECT window_start, window_end, SUM(price) AS total FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES)) GROUP BY window_start, window_end",
    "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rownum FROM w) WHERE rownum <= 3",
    "SELECT a, SUM(x) OVER (PARTITION BY a ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS s FROM t",
    "SELECT a, COUNT(x) OVER w FROM t WINDOW w AS (PARTITION BY a ORDER BY ts ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)",
    # joins
    "SELECT * FROM o JOIN r FOR SYSTEM_TIME AS OF o.ts AS r2 ON o.k = r2.k",
    "SELECT * FROM o LEFT JOIN cat.db.r FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.id = c.id",
    "SELECT * FROM a, b WHERE a.id = b.id AND a.ts BETWEEN b.ts - INTERVAL '4' HOUR AND b.ts",
    "SELECT * FROM o, LATERAL TABLE(split(s)) AS T(word, len)",
    "SELECT * FROM o LEFT JOIN LATERAL TABLE(split(s)) AS T(word) ON TRUE",
    "SELECT * FROM o CROSS JOIN UNNEST(tags) AS t(tag)",
    # ML
    "SELECT * FROM ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(f1, f2))",
    "SELECT * FROM ML_EVALUATE(TABLE t, MODEL m, DESCRIPTOR(label), DESCRIPTOR(f1, f2), MAP['task', 'classification'])",
    # intervals, literals, hints, identifiers
    "SELECT INTERVAL '10 00:00:00.004' DAY TO SECOND, INTERVAL '1-2' YEAR TO MONTH, INTERVAL '1' MINUTES",
    "SELECT /*+ STATE_TTL('o' = '1d') */ * FROM t",
    "SELECT * FROM t /*+ OPTIONS('scan.startup.mode' = 'earliest-offset') */",
    "SELECT * FROM t /*+ OPTIONS('a' = 'b') */ AS x JOIN y /*+ OPTIONS('c' = 'd') */ ON x.k = y.k",
    "SELECT `a b`, `select` FROM `c`.`d`.`e`",
    "SELECT 'it''s', X'0aff', TRUE, NULL, 1.5e3 FROM t",
    "SELECT CURRENT_TIMESTAMP, CURRENT_DATE, PROCTIME(), my_udf(a, b) FROM t",
    "SELECT a FROM t MATCH_RECOGNIZE (PARTITION BY a ORDER BY ts MEASURES A.x AS ax ONE ROW PER MATCH AFTER MATCH SKIP PAST LAST ROW PATTERN (A B+) DEFINE A AS A.x > 1) AS T",
]


@pytest.mark.parametrize("sql", IDENTITIES)
def test_identity(sql: str) -> None:
    validate_identity(sql)


CANONICAL = [
    ("SELECT CAST(x AS ROW(a INT, b STRING)) FROM t", "SELECT CAST(x AS ROW<a INT, b STRING>) FROM t"),
    ("SELECT CAST(x AS INT ARRAY) FROM t", "SELECT CAST(x AS ARRAY<INT>) FROM t"),
    ("create table t (a int) with ('k'='v')", "CREATE TABLE t (a INT) WITH ('k' = 'v')"),
    ("INSERT INTO t PARTITION (a=1) SELECT 1", "INSERT INTO t PARTITION (a = 1) SELECT 1"),
]


@pytest.mark.parametrize("sql, expected", CANONICAL)
def test_canonical_form(sql: str, expected: str) -> None:
    validate_identity(sql, expected)


def test_create_table_shape() -> None:
    tree = sqlglot.parse_one(
        "CREATE TABLE c.d.t (a INT NOT NULL, b AS a + 1, m STRING METADATA FROM 'k' VIRTUAL,"
        " ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND, PRIMARY KEY (a) NOT ENFORCED)"
        " PARTITIONED BY (a) WITH ('connector' = 'kafka', 'topic' = 'x')", read="flink")
    assert isinstance(tree, exp.Create) and tree.kind == "TABLE"
    schema = tree.this
    assert [p.name for p in schema.this.parts] == ["c", "d", "t"]
    kinds = [type(e).__name__ for e in schema.expressions]
    assert kinds == ["ColumnDef", "ColumnDef", "ColumnDef", "ColumnDef", "WatermarkColumnConstraint", "PrimaryKey"]
    a, b, m = schema.expressions[:3]
    assert a.kind == exp.DataType.build("INT") and isinstance(a.constraints[0].kind, exp.NotNullColumnConstraint)
    assert b.kind is None and b.constraints[0].kind.this.sql("flink") == "a + 1"
    meta = m.constraints[0].kind
    assert isinstance(meta, fx.MetadataColumnConstraint) and meta.this.name == "k" and meta.args["virtual"] is True
    assert with_options(tree) == {"connector": "kafka", "topic": "x"}


def test_temporal_join_is_kept() -> None:
    tree = validate_identity("SELECT * FROM o JOIN r FOR SYSTEM_TIME AS OF o.ts ON o.k = r.k")
    version = tree.find(exp.Version)
    assert (version.name, version.text("kind"), version.expression.sql()) == ("SYSTEM_TIME", "AS OF", "o.ts")


def test_window_tvf_shape() -> None:
    tree = sqlglot.parse_one("SELECT * FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTES)) AS w", read="flink")
    tvf = tree.find(exp.TableFromRows)
    call = tvf.this
    assert call.name == "TUMBLE"
    assert [type(a).__name__ for a in call.expressions] == ["TableArgument", "Descriptor", "Interval"]
    assert call.expressions[0].this.name == "clicks"
    assert [c.name for c in call.expressions[1].expressions] == ["ts"]
    assert (call.expressions[2].this.name, call.expressions[2].unit.name) == ("1", "MINUTES")
    assert tvf.alias == "w"


def test_statement_set_shape() -> None:
    tree = sqlglot.parse_one("EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END", read="flink")
    assert isinstance(tree, fx.StatementSet) and tree.args.get("sql_client") is False
    assert [i.this.name for i in tree.expressions] == ["a", "b"]


def test_function_names_are_not_rewritten() -> None:
    sql = "SELECT DATE_FORMAT(ts, 'yyyy'), TO_TIMESTAMP(s), IFNULL(a, 0), SUBSTR(s, 1, 2), CHAR_LENGTH(s), JSON_VALUE(j, '$.a') FROM t"
    validate_identity(sql)


def test_sql_client_statement_set_in_sqlglot_parse() -> None:
    trees = sqlglot.parse("SET 'a' = 'b'; BEGIN STATEMENT SET; INSERT INTO x SELECT 1; END; SELECT 2", read="flink")
    assert [type(t).__name__ for t in trees] == ["Set", "StatementSet", "Select"]


def test_typed_literal_is_a_cast_kept_as_written() -> None:
    tree = validate_identity("SELECT TIMESTAMP '2023-07-31 00:00:00' - INTERVAL '1' DAY")
    lit = tree.find(fx.TypedLiteral)
    assert isinstance(lit, exp.Cast) and lit.to == exp.DataType.build("TIMESTAMP") and lit.this.name == "2023-07-31 00:00:00"


def test_local_time_zone_spelling_is_kept() -> None:
    tree = validate_identity("SELECT CAST(x AS TIMESTAMP(3) WITH LOCAL TIME ZONE) FROM t")
    dtype = tree.find(exp.DataType)
    assert dtype.this == exp.DType.TIMESTAMPLTZ and [p.name for p in dtype.expressions] == ["3"]


FUNCTION_IDENTITIES = [
    "SELECT COUNT(*), COUNT(DISTINCT a), SUM(a), AVG(a), MIN(a), MAX(a), STDDEV_POP(a), STDDEV_SAMP(a) FROM t",
    "SELECT COALESCE(a, b, c), NULLIF(a, b), LEAST(a, b), GREATEST(a, b), ABS(a), UPPER(s), LOWER(s) FROM t",
    "SELECT CONCAT(a, b), CONCAT_WS('-', a, b), POWER(a, 2), ROUND(a, 2), LN(a), EXP(a), SQRT(a) FROM t",
    "SELECT IF(a > 1, b, c), VAR_POP(a), VAR_SAMP(a), MOD(a, b), a % b, a || b FROM t",
    "SELECT ROW_NUMBER() OVER (ORDER BY ts), RANK() OVER (ORDER BY ts), DENSE_RANK() OVER (ORDER BY ts) FROM t",
    "SELECT LAG(a, 1) OVER (ORDER BY ts), LEAD(a, 1, 0) OVER (ORDER BY ts), NTILE(4) OVER (ORDER BY ts) FROM t",
    "SELECT FIRST_VALUE(a) OVER (ORDER BY ts), LAST_VALUE(a) OVER (ORDER BY ts), CUME_DIST() OVER (ORDER BY ts) FROM t",
    "SELECT CEIL(ts TO HOUR), FLOOR(ts TO DAY), CEIL(x), FLOOR(x) FROM t",
    "SELECT TRIM(BOTH ' ' FROM s), TRIM(LEADING FROM s), TRIM(s), TRIM(TRAILING 'x' FROM s) FROM t",
    "SELECT POSITION('a' IN s), SUBSTRING(s, 1, 2), OVERLAY(s PLACING 'x' FROM 2 FOR 1), EXTRACT(DAY FROM ts) FROM t",
    "SELECT ARRAY[1, 2], MAP['a', 1], ROW(1, 'a'), ROW(a, b), a[1], m['k'] FROM t",
    "SELECT JSON_VALUE(j, '$.a' RETURNING INT DEFAULT 0 ON EMPTY NULL ON ERROR), JSON_VALUE(j, '$.b') FROM t",
    "SELECT JSON_QUERY(j, '$.a' WITH CONDITIONAL ARRAY WRAPPER EMPTY ARRAY ON EMPTY), JSON_EXISTS(j, '$.a' FALSE ON ERROR) FROM t",
    "SELECT JSON_OBJECT(KEY 'a' VALUE 1, 'b' VALUE JSON_ARRAY(1, 2) ABSENT ON NULL), JSON_OBJECT(), JSON_ARRAY() FROM t",
    "SELECT JSON_OBJECTAGG(KEY k VALUE v), JSON_ARRAYAGG(v) FROM t",
    "SELECT j IS JSON, a IS DISTINCT FROM b, a LIKE 'x%' ESCAPE '!', a SIMILAR TO 'x' FROM t",
    "SELECT a FROM t ORDER BY a DESC NULLS LAST, b NULLS FIRST, c ASC",
    "SELECT * FROM t FETCH FIRST 3 ROWS ONLY",
    "SELECT * FROM t ORDER BY a LIMIT 10 OFFSET 2",
    "SELECT TUMBLE_START(ts, INTERVAL '1' HOUR), COUNT(*) FROM t GROUP BY TUMBLE(ts, INTERVAL '1' HOUR)",
    "SELECT CURRENT_TIMESTAMP, LOCALTIMESTAMP, CURRENT_ROW_TIMESTAMP(), NOW(), TIMESTAMPDIFF(DAY, a, b) FROM t",
]


@pytest.mark.parametrize("sql", FUNCTION_IDENTITIES)
def test_function_identity(sql: str) -> None:
    validate_identity(sql)


def test_json_value_shape() -> None:
    tree = validate_identity("SELECT JSON_VALUE(j, '$.a' RETURNING INT DEFAULT 0 ON EMPTY) FROM t")
    call = tree.find(fx.JsonCall)
    assert (call.name, [a.sql("flink") for a in call.expressions]) == ("JSON_VALUE", ["j", "'$.a'"])
    assert [(c.name, c.args.get("on")) for c in call.args["clauses"]] == [("RETURNING", None), ("DEFAULT", "EMPTY")]


def test_constructors_shape() -> None:
    tree = validate_identity("SELECT MAP['a', 1, 'b', 2], ARRAY[1, 2], ROW(1, 'a'), map FROM t")
    m, a, r, col = tree.expressions
    assert isinstance(m, exp.VarMap) and [k.name for k in m.args["keys"].expressions] == ["a", "b"]
    assert isinstance(a, exp.Array) and isinstance(r, exp.Anonymous) and r.name == "ROW"
    assert isinstance(col, exp.Column) and col.name == "map"


def test_negations_read_naturally() -> None:
    validate_identity("SELECT a IS NOT NULL, a NOT BETWEEN 1 AND 2, a NOT IN (1, 2), a NOT LIKE 'x', NOT (a = 1), NOT a FROM t")


def test_window_frame_keywords_are_upper_case() -> None:
    validate_identity(
        "SELECT SUM(x) OVER (PARTITION BY a ORDER BY ts range between interval '1' hour preceding and current row) FROM t",
        "SELECT SUM(x) OVER (PARTITION BY a ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) FROM t",
    )


def test_project_variables_are_kept() -> None:
    tree = validate_identity("SELECT MOD(${T:-17675}, 8), ${P:-}, x FROM t WHERE s >= ${MIN} LIMIT ${K}")
    subs = [(s.name, s.args.get("default")) for s in tree.find_all(fx.Substitution)]
    assert sorted(subs, key=str) == sorted([("T", "17675"), ("P", ""), ("MIN", None), ("K", None)], key=str)


@pytest.mark.parametrize("sql, message", [
    ("SELECT {a: 1}", "Unexpected {: Flink SQL has no braces (a project variable is written ${NAME})"),
    ("SELECT $ FROM t", "Expected ${NAME} (a project variable) after $"),
    ("SELECT ${1x}", "Expected ${NAME} or ${NAME:-default}"),
])
def test_braces_and_bad_variables_are_errors(sql: str, message: str) -> None:
    with pytest.raises(sqlglot.errors.ParseError) as info:
        sqlglot.parse_one(sql, read="flink")
    assert info.value.errors[0]["description"] == message
