"""Flink 2.2's SQL grammar, production by production, as statements in the dialect's canonical form.

The keys are the productions of Flink's parser (``FlinkSqlParserImpl`` in
flink-table-planner 2.2.1, generated from ``parserImpls.ftl`` and Calcite's
``Parser.jj``); each statement exercises that production and is written the
way ``sql(dialect="flink")`` writes it back. The unit tests round-trip every
one; the integration test (tests/integration/test_flink_parser.py) checks
that Flink's own parser accepts every one, and refuses every ``REJECTED``
statement that the dialect refuses too.
"""

from __future__ import annotations

GRAMMAR: dict[str, list[str]] = {
    "SqlSelect": ["SELECT DISTINCT a, b AS c FROM t WHERE a > 1 GROUP BY a, b HAVING COUNT(*) > 1 ORDER BY a LIMIT 10",
                  "WITH x AS (SELECT 1 AS a) SELECT a FROM x UNION ALL SELECT 2 EXCEPT SELECT 3"],
    # ---- CREATE -------------------------------------------------------------------------------
    "SqlCreateTable": [
        "CREATE TABLE t (a INT, b STRING)",
        "CREATE TEMPORARY TABLE IF NOT EXISTS c.d.t (a INT NOT NULL COMMENT 'a', b AS a + 1 COMMENT 'b') COMMENT 't'",
        "CREATE TABLE t (a INT, b STRING) COMMENT 'x' DISTRIBUTED BY HASH(a) INTO 4 BUCKETS PARTITIONED BY (b)"
        " WITH ('connector' = 'filesystem')",
        "CREATE OR REPLACE TEMPORARY TABLE t (a INT)",
    ],
    "SqlTableLike": [
        "CREATE TABLE t2 (c INT) WITH ('k' = 'v') LIKE t1 (EXCLUDING ALL INCLUDING DISTRIBUTION OVERWRITING OPTIONS)",
        "CREATE TEMPORARY TABLE t2 LIKE t1",
    ],
    "SqlCreateTableAs": [
        "CREATE TABLE t WITH ('connector' = 'print') AS SELECT a FROM s",
        "CREATE TABLE t (PRIMARY KEY (a) NOT ENFORCED) DISTRIBUTED BY HASH(a) INTO 2 BUCKETS WITH ('k' = 'v')"
        " AS SELECT 1 AS a",
        "CREATE OR REPLACE TEMPORARY TABLE t AS SELECT 1",
    ],
    "SqlReplaceTable": [
        "REPLACE TABLE t WITH ('k' = 'v') AS SELECT 1",
        "REPLACE TABLE t (a INT, PRIMARY KEY (a) NOT ENFORCED) COMMENT 'x' DISTRIBUTED INTO 2 BUCKETS"
        " PARTITIONED BY (a) WITH ('k' = 'v') AS SELECT 1 AS a",
    ],
    "SqlDistribution": [
        "CREATE TABLE t (a INT) DISTRIBUTED BY HASH(a) INTO 4 BUCKETS",
        "CREATE TABLE t (a INT) DISTRIBUTED BY RANGE(a, b) INTO 4 BUCKETS",
        "CREATE TABLE t (a INT, b INT) DISTRIBUTED BY (a, b)",
        "CREATE TABLE t (a INT) DISTRIBUTED INTO 8 BUCKETS",
    ],
    "TableColumn": [
        "CREATE TABLE t (a INT PRIMARY KEY NOT ENFORCED, b INT NOT NULL, c INT NULL)",
        "CREATE TABLE t (a INT NOT NULL PRIMARY KEY NOT ENFORCED COMMENT 'key')",
        "CREATE TABLE t (m STRING METADATA FROM 'value.source.timestamp' VIRTUAL COMMENT 'x', n BIGINT METADATA)",
        "CREATE TABLE t (`file.path` STRING NOT NULL METADATA VIRTUAL, o INT METADATA FROM 'offset')",
        "CREATE TABLE t (a AS PROCTIME() COMMENT 'p', b AS CAST(x AS INT))",
    ],
    "Watermark": [
        "CREATE TABLE t (ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)",
        "CREATE TABLE t (r ROW<ts TIMESTAMP(3)>, WATERMARK FOR r.ts AS r.ts)",
    ],
    "TableConstraint": [
        "CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b) NOT ENFORCED)",
        "CREATE TABLE t (a INT, CONSTRAINT pk PRIMARY KEY (a) NOT ENFORCED)",
    ],
    "SqlCreateMaterializedTable": [
        "CREATE MATERIALIZED TABLE m FRESHNESS = INTERVAL '1' HOUR AS SELECT 1 AS a",
        "CREATE MATERIALIZED TABLE c.d.m (CONSTRAINT pk PRIMARY KEY (a) NOT ENFORCED) COMMENT 'x'"
        " DISTRIBUTED BY HASH(a) INTO 4 BUCKETS PARTITIONED BY (a) WITH ('format' = 'json')"
        " FRESHNESS = INTERVAL '30' SECOND REFRESH_MODE = CONTINUOUS AS SELECT a, COUNT(*) AS n FROM s GROUP BY a",
        "CREATE MATERIALIZED TABLE m (PRIMARY KEY (a) NOT ENFORCED) REFRESH_MODE = FULL AS SELECT 1 AS a",
        "CREATE MATERIALIZED TABLE m FRESHNESS = INTERVAL '1' DAY TO HOUR AS SELECT * FROM s UNION ALL SELECT * FROM r",
        "CREATE MATERIALIZED TABLE m AS WITH x AS (SELECT 1 AS a) SELECT * FROM x",
    ],
    "SqlCreateView": [
        "CREATE VIEW v AS SELECT a FROM t",
        "CREATE OR REPLACE TEMPORARY VIEW IF NOT EXISTS c.d.v (x, y) COMMENT 'v' AS SELECT a, b FROM t",
    ],
    "SqlCreateFunction": [
        "CREATE FUNCTION f AS 'com.example.F'",
        "CREATE OR REPLACE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS f AS 'udfs.m.f' LANGUAGE PYTHON",
        "CREATE FUNCTION c.d.f AS 'com.example.F' LANGUAGE JAVA USING JAR '/x/a.jar', JAR 'hdfs:///b.jar'",
        "CREATE TEMPORARY FUNCTION f AS 'com.example.F' LANGUAGE SCALA USING JAR 'a.jar'",
        "CREATE FUNCTION f AS 'com.example.F' LANGUAGE SQL",
    ],
    "SqlCreateModel": [
        "CREATE MODEL m INPUT (text STRING) OUTPUT (label STRING COMMENT 'l') COMMENT 'clf'"
        " WITH ('provider' = 'openai', 'task' = 'classification')",
        "CREATE OR REPLACE TEMPORARY MODEL IF NOT EXISTS c.d.m WITH ('provider' = 'x')",
        "CREATE MODEL m WITH ('provider' = 'x') AS SELECT * FROM training",
    ],
    "SqlCreateCatalog": [
        "CREATE CATALOG c",
        "CREATE OR REPLACE CATALOG IF NOT EXISTS c COMMENT 'x' WITH ('type' = 'generic_in_memory')",
    ],
    "SqlCreateDatabase": [
        "CREATE DATABASE IF NOT EXISTS c.d COMMENT 'db' WITH ('k' = 'v')",
        "CREATE OR REPLACE DATABASE d",
    ],
    # ---- DROP ---------------------------------------------------------------------------------
    "SqlDropTable": ["DROP TABLE t", "DROP TEMPORARY TABLE IF EXISTS c.d.t"],
    "SqlDropView": ["DROP VIEW v", "DROP TEMPORARY VIEW IF EXISTS c.d.v"],
    "SqlDropFunction": ["DROP FUNCTION c.d.f", "DROP TEMPORARY SYSTEM FUNCTION IF EXISTS f",
                        "DROP SYSTEM FUNCTION f", "DROP TEMPORARY FUNCTION f"],
    "SqlDropModel": ["DROP MODEL IF EXISTS c.d.m", "DROP TEMPORARY MODEL m"],
    "SqlDropCatalog": ["DROP CATALOG IF EXISTS c"],
    "SqlDropDatabase": ["DROP DATABASE c.d CASCADE", "DROP DATABASE IF EXISTS d RESTRICT"],
    "SqlDropMaterializedTable": ["DROP MATERIALIZED TABLE m", "DROP MATERIALIZED TABLE IF EXISTS c.d.m"],
    # ---- ALTER --------------------------------------------------------------------------------
    "SqlAlterTable": [
        "ALTER TABLE t RENAME TO t2",
        "ALTER TABLE IF EXISTS t RENAME TO c.d.t2",
        "ALTER TABLE t RENAME a TO b",
        "ALTER TABLE t RENAME `r`.f TO g",
        "ALTER TABLE t SET ('k' = 'v', 'k2' = 'v2')",
        "ALTER TABLE t RESET ('k', 'k2')",
        "ALTER TABLE t DROP PRIMARY KEY",
        "ALTER TABLE t DROP CONSTRAINT pk",
        "ALTER TABLE t DROP WATERMARK",
        "ALTER TABLE t DROP (a, new_row.f2)",
        "ALTER TABLE t DROP a",
    ],
    "AlterTableAddOrModify": [
        "ALTER TABLE t ADD c INT NOT NULL COMMENT 'c' FIRST",
        "ALTER TABLE t ADD (c INT COMMENT 'c' AFTER b, d AS c + 1, m STRING METADATA FROM 'file.path' VIRTUAL,"
        " WATERMARK FOR ts AS ts - INTERVAL '1' SECOND, PRIMARY KEY (c) NOT ENFORCED, DISTRIBUTION BY HASH(c))",
        "ALTER TABLE t ADD new_row.f2 INT",
        "ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY (a) NOT ENFORCED",
        "ALTER TABLE t MODIFY a BIGINT AFTER b",
        "ALTER TABLE t MODIFY (a BIGINT, `r`.f STRING, WATERMARK FOR ts AS ts)",
        "ALTER TABLE t MODIFY PRIMARY KEY (a) NOT ENFORCED",
    ],
    "AlterTableDistribution": [
        "ALTER TABLE t ADD DISTRIBUTION BY HASH(a) INTO 4 BUCKETS",
        "ALTER TABLE t MODIFY DISTRIBUTION BY RANGE(a)",
        "ALTER TABLE t ADD DISTRIBUTION INTO 4 BUCKETS",
        "ALTER TABLE t DROP DISTRIBUTION",
    ],
    "AlterTableAddPartition": [
        "ALTER TABLE t ADD PARTITION (p1 = 1) WITH ('k' = 'v') PARTITION (p1 = 2)",
        "ALTER TABLE t ADD IF NOT EXISTS PARTITION (p = 'a', q = DATE '2024-01-01')",
    ],
    "AlterTableDropPartitions": [
        "ALTER TABLE t DROP PARTITION (p1 = 1), PARTITION (p1 = 2)",
        "ALTER TABLE t DROP IF EXISTS PARTITION (p = -1)",
    ],
    "SqlAlterView": ["ALTER VIEW v RENAME TO w", "ALTER VIEW c.d.v AS SELECT 1"],
    "SqlAlterFunction": [
        "ALTER FUNCTION f AS 'com.example.G'",
        "ALTER TEMPORARY SYSTEM FUNCTION IF EXISTS f AS 'udfs.m.g' LANGUAGE PYTHON",
        "ALTER TEMPORARY FUNCTION c.d.f AS 'g' LANGUAGE SQL",
    ],
    "SqlAlterModel": ["ALTER MODEL m RENAME TO c.d.n", "ALTER MODEL IF EXISTS m SET ('k' = 'v')",
                      "ALTER MODEL m RESET ('k')"],
    "SqlAlterCatalog": ["ALTER CATALOG c SET ('k' = 'v')", "ALTER CATALOG c RESET ('k')", "ALTER CATALOG c COMMENT 'x'"],
    "SqlAlterDatabase": ["ALTER DATABASE c.d SET ('k' = 'v')"],
    "SqlAlterMaterializedTable": [
        "ALTER MATERIALIZED TABLE m SUSPEND",
        "ALTER MATERIALIZED TABLE m RESUME",
        "ALTER MATERIALIZED TABLE m RESUME WITH ('sink.parallelism' = '10')",
        "ALTER MATERIALIZED TABLE m REFRESH",
        "ALTER MATERIALIZED TABLE m REFRESH PARTITION (ds = '2024-06-28', h = 1)",
        "ALTER MATERIALIZED TABLE m SET FRESHNESS = INTERVAL '1' DAY",
        "ALTER MATERIALIZED TABLE m SET REFRESH_MODE = FULL",
        "ALTER MATERIALIZED TABLE m SET ('k' = 'v')",
        "ALTER MATERIALIZED TABLE m RESET ('k')",
        "ALTER MATERIALIZED TABLE c.d.m AS SELECT a, b FROM s",
        "ALTER MATERIALIZED TABLE m ADD DISTRIBUTION BY HASH(a) INTO 3 BUCKETS",
        "ALTER MATERIALIZED TABLE m MODIFY DISTRIBUTION INTO 3 BUCKETS",
        "ALTER MATERIALIZED TABLE m DROP DISTRIBUTION",
    ],
    "SqlSetOption": ["ALTER SESSION SET a = 1", "ALTER SYSTEM RESET ALL", "ALTER SESSION RESET a.b"],
    # ---- DML and plans ------------------------------------------------------------------------
    "RichSqlInsert": [
        "INSERT INTO t SELECT a FROM s",
        "INSERT OVERWRITE t PARTITION (p = 1, q = 'x') SELECT 1",
        "INSERT INTO c.d.t /*+ OPTIONS('sink.parallelism' = '2') */ PARTITION (dt = '2024-01-01') (a, b)"
        " SELECT a, b FROM s",
        "INSERT INTO t VALUES (1, 'a'), (2, 'b')",
        "INSERT INTO t EXTEND (c INT) SELECT 1",
        "INSERT INTO t TABLE s",
        "UPSERT INTO t SELECT 1",
    ],
    "SqlStatementSet": [
        "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT * FROM s; INSERT INTO b SELECT * FROM s; END",
        "BEGIN STATEMENT SET; INSERT INTO a SELECT 1; END",
    ],
    "SqlExecute": ["EXECUTE INSERT INTO t SELECT 1", "EXECUTE SELECT 1", "EXECUTE VALUES (1)"],
    "SqlCompilePlan": [
        "COMPILE PLAN '/tmp/plan.json' FOR INSERT INTO t SELECT 1",
        "COMPILE PLAN 'f.json' IF NOT EXISTS FOR STATEMENT SET BEGIN INSERT INTO t SELECT 1; INSERT INTO s SELECT 2; END",
    ],
    "SqlCompileAndExecutePlan": [
        "COMPILE AND EXECUTE PLAN 'f.json' FOR INSERT OVERWRITE t SELECT 1",
        "COMPILE AND EXECUTE PLAN 'f.json' FOR STATEMENT SET BEGIN INSERT INTO t SELECT 1; END",
    ],
    "SqlExecutePlan": ["EXECUTE PLAN '/tmp/plan.json'"],
    "SqlDelete": ["DELETE FROM t WHERE `user` = 'Lili'"],
    "SqlUpdate": ["UPDATE t SET a = a * 2, b = 'x' WHERE c = 1"],
    "SqlMerge": [
        "MERGE INTO t AS x USING (SELECT 1 AS a) AS s ON x.a = s.a WHEN MATCHED THEN UPDATE SET a = s.a"
        " WHEN NOT MATCHED THEN INSERT (a) VALUES (s.a)",
    ],
    "SqlTruncateTable": ["TRUNCATE TABLE c.d.t"],
    "SqlAnalyzeTable": [
        "ANALYZE TABLE t COMPUTE STATISTICS",
        "ANALYZE TABLE t PARTITION (y = '2022', m) COMPUTE STATISTICS FOR ALL COLUMNS",
        "ANALYZE TABLE t COMPUTE STATISTICS FOR COLUMNS a, b",
    ],
    "SqlProcedureCall": ["CALL `system`.generate_n(4)", "CALL c.d.p(1, 'a', x => 1)", "CALL p()"],
    # ---- EXPLAIN, SHOW, DESCRIBE --------------------------------------------------------------
    "SqlRichExplain": [
        "EXPLAIN SELECT a FROM t",
        "EXPLAIN ESTIMATED_COST, CHANGELOG_MODE, PLAN_ADVICE, JSON_EXECUTION_PLAN SELECT 1",
        "EXPLAIN CHANGELOG_MODE INSERT INTO t SELECT 1",
        "EXPLAIN STATEMENT SET BEGIN INSERT INTO t SELECT 1; END",
        "EXPLAIN EXECUTE SELECT 1",
        "EXPLAIN CREATE TABLE t AS SELECT 1",
        "EXPLAIN REPLACE TABLE t AS SELECT 1",
    ],
    "SqlExplain": ["EXPLAIN PLAN FOR SELECT a FROM t", "EXPLAIN PLAN FOR INSERT INTO t SELECT 1"],
    "SqlShowCatalogs": ["SHOW CATALOGS", "SHOW CATALOGS NOT LIKE 'a%'", "SHOW CATALOGS ILIKE 'a%'"],
    "SqlShowCurrentCatalogOrDatabase": ["SHOW CURRENT CATALOG", "SHOW CURRENT DATABASE"],
    "SqlShowDatabases": ["SHOW DATABASES", "SHOW DATABASES FROM c NOT ILIKE 'x'", "SHOW DATABASES FROM c LIKE 'x'"],
    "SqlShowTables": ["SHOW TABLES", "SHOW TABLES FROM c.d NOT LIKE 'a%'", "SHOW TABLES FROM d LIKE 'x'"],
    "SqlShowViews": ["SHOW VIEWS", "SHOW VIEWS FROM c.d NOT LIKE 'x'"],
    "SqlShowFunctions": ["SHOW FUNCTIONS", "SHOW USER FUNCTIONS FROM d NOT ILIKE 'x'", "SHOW FUNCTIONS FROM c.d LIKE 'x'"],
    "SqlShowProcedures": ["SHOW PROCEDURES", "SHOW PROCEDURES FROM c.d ILIKE 'x'"],
    "SqlShowModels": ["SHOW MODELS", "SHOW MODELS FROM c.d NOT LIKE 'x'"],
    "SqlShowMaterializedTables": ["SHOW MATERIALIZED TABLES", "SHOW MATERIALIZED TABLES FROM c.d LIKE 'x'"],
    "SqlShowColumns": ["SHOW COLUMNS FROM t", "SHOW COLUMNS FROM c.d.t NOT LIKE '%a'"],
    "SqlShowCreate": ["SHOW CREATE TABLE c.d.t", "SHOW CREATE VIEW v", "SHOW CREATE CATALOG c",
                      "SHOW CREATE MODEL c.d.m", "SHOW CREATE MATERIALIZED TABLE m"],
    "SqlShowPartitions": ["SHOW PARTITIONS t", "SHOW PARTITIONS t PARTITION (a = 1, b = 'x')"],
    "SqlShowModules": ["SHOW MODULES", "SHOW FULL MODULES"],
    "SqlShowJars": ["SHOW JARS"],
    "SqlShowJobs": ["SHOW JOBS"],
    "SqlRichDescribeTable": ["DESCRIBE t", "DESC EXTENDED c.d.t"],
    "SqlDescribeCatalog": ["DESCRIBE CATALOG c", "DESC CATALOG EXTENDED c"],
    "SqlDescribeDatabase": ["DESCRIBE DATABASE c.d", "DESC DATABASE EXTENDED d"],
    "SqlRichDescribeFunction": ["DESCRIBE FUNCTION f", "DESC FUNCTION EXTENDED c.d.f"],
    "SqlRichDescribeModel": ["DESCRIBE MODEL m", "DESCRIBE MODEL EXTENDED c.d.m"],
    "SqlDescribeJob": ["DESCRIBE JOB '228d70913eab60dda85c5e7f78b5782c'", "DESC JOB 'x'"],
    # ---- session ------------------------------------------------------------------------------
    "SqlSet": ["SET", "SET 'table.local-time-zone' = 'Europe/Berlin'"],
    "SqlReset": ["RESET", "RESET 'execution.runtime-mode'"],
    "SqlUseCatalog": ["USE CATALOG c"],
    "SqlUseDatabase": ["USE c.d", "USE d"],
    "SqlUseModules": ["USE MODULES hive, core"],
    "SqlLoadModule": ["LOAD MODULE hive WITH ('hive-version' = '3.1.3')", "LOAD MODULE `core`"],
    "SqlUnloadModule": ["UNLOAD MODULE hive"],
    "SqlAddJar": ["ADD JAR '/tmp/a.jar'"],
    "SqlRemoveJar": ["REMOVE JAR '/tmp/a.jar'"],
    "SqlStopJob": ["STOP JOB 'abc'", "STOP JOB 'abc' WITH SAVEPOINT", "STOP JOB 'abc' WITH SAVEPOINT WITH DRAIN"],
    # ---- queries ------------------------------------------------------------------------------
    "ExplicitTable": ["TABLE t", "SELECT 1 UNION ALL TABLE s"],
    "TableParam": [
        "SELECT * FROM TABLE(f(TABLE t PARTITION BY a ORDER BY ts DESC))",
        "SELECT * FROM TABLE(f(r => TABLE t PARTITION BY (a, b) ORDER BY (ts ASC, score DESC), uid => 'x'))",
        "SELECT * FROM f(input => TABLE t PARTITION BY a, on_time => DESCRIPTOR(ts), uid => 'x')",
        "SELECT * FROM TABLE(f((SELECT * FROM t) PARTITION BY a))",
        "SELECT * FROM TABLE(SESSION(TABLE t PARTITION BY (a, b), DESCRIPTOR(ts), INTERVAL '1' MINUTE))",
    ],
    "NamedFunctionCall": [
        "SELECT * FROM TABLE(TUMBLE(DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '1' MINUTE,"
        " `OFFSET` => INTERVAL '1' SECOND))",
        "SELECT * FROM TABLE(HOP(DATA => TABLE t, TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '1' MINUTE,"
        " SIZE => INTERVAL '2' MINUTE))",
        "SELECT * FROM TABLE(SESSION(DATA => TABLE t PARTITION BY a, TIMECOL => DESCRIPTOR(ts),"
        " GAP => INTERVAL '1' MINUTE))",
        "SELECT f(a => 1, `OFFSET` => 'x') FROM t",
    ],
    "ExplicitModel": [
        "SELECT * FROM ML_PREDICT(TABLE t, MODEL m, DESCRIPTOR(f1, f2))",
        "SELECT * FROM ML_PREDICT(INPUT => TABLE t, MODEL => MODEL c.d.m, ARGS => DESCRIPTOR(a),"
        " CONFIG => MAP['async', 'true'])",
    ],
    "Snapshot": [
        "SELECT * FROM o JOIN r FOR SYSTEM_TIME AS OF o.ts AS r2 ON o.k = r2.k",
        "SELECT * FROM t /*+ OPTIONS('a' = 'b') */ FOR SYSTEM_TIME AS OF o.ts AS x",
        "SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2024-01-01 00:00:00'",
    ],
    "TableHints": ["SELECT /*+ LOOKUP('table' = 'c', 'async' = 'true'), BROADCAST(c) */ * FROM t /*+ OPTIONS('a' = 'b') */"],
    "ExtendTable": ["SELECT * FROM t EXTEND (c INT, d STRING) AS x"],
    "MatchRecognize": [
        "SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY a ORDER BY ts MEASURES FIRST(A.x) AS f, LAST(B.x, 1) AS l,"
        " MATCH_NUMBER() AS n, CLASSIFIER() AS c ALL ROWS PER MATCH AFTER MATCH SKIP TO LAST B PATTERN (A B* C?)"
        " WITHIN INTERVAL '1' HOUR SUBSET U = (A, B) DEFINE A AS A.x > 1) AS T",
    ],
    "Pivot": ["SELECT * FROM t PIVOT(SUM(a) FOR b IN (1, 2))"],
    "Unpivot": ["SELECT * FROM t UNPIVOT INCLUDE NULLS (v FOR k IN (a AS 'x', b AS 'y'))"],
    "Qualify": ["SELECT * FROM t QUALIFY ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) = 1"],
    "Tablesample": ["SELECT * FROM t TABLESAMPLE BERNOULLI (10)", "SELECT * FROM t TABLESAMPLE SYSTEM (10) REPEATABLE (1)"],
    "GroupByWindowingCall": [
        "SELECT SESSION_START(ts, INTERVAL '1' HOUR), COUNT(*) FROM t GROUP BY SESSION(ts, INTERVAL '1' HOUR)",
        "SELECT TUMBLE_END(ts, INTERVAL '1' HOUR) FROM t GROUP BY TUMBLE(ts, INTERVAL '1' HOUR)",
    ],
    "GroupingElementList": ["SELECT a FROM t GROUP BY GROUPING SETS ((a), ()), ROLLUP (a), CUBE (a)"],
    "MultisetConstructor": ["SELECT MULTISET[1, 2], MULTISET(SELECT 1) FROM t"],
    "ArrayConstructor": ["SELECT ARRAY[1, 2], ARRAY(SELECT 1) FROM t"],
    "MapConstructor": ["SELECT MAP['a', 1], MAP(SELECT 1, 2) FROM t"],
    "RowConstructor": ["SELECT ROW(1, 'a'), ROW(a, b) FROM t"],
    "PeriodConstructor": ["SELECT PERIOD(a, b) FROM t"],
    "BuiltinFunctionCall": [
        "SELECT CONVERT(a USING utf8), TRANSLATE(a USING utf8), translate(a, 'x', 'y') FROM t",
        "SELECT TIMESTAMPADD(DAY, 1, ts), TIMESTAMPDIFF(DAY, a, b), DATE_TRUNC(ts, DAY) FROM t",
        "SELECT LISTAGG(a, ',') WITHIN GROUP (ORDER BY a), COUNT(*) FILTER(WHERE a > 1) FROM t",
    ],
    "SubqueryPredicates": [
        "SELECT a FROM t WHERE EXISTS(SELECT 1) AND a > ALL (SELECT 1) AND b = ANY (SELECT 1)"
        " AND a BETWEEN SYMMETRIC 1 AND 2",
    ],
    "UnicodeStringLiteral": ["SELECT U&'\\0041b' FROM t"],
    # ---- types --------------------------------------------------------------------------------
    "ExtendedDataType": [
        "CREATE TABLE t (a ARRAY<INT NOT NULL>, b MAP<STRING, BIGINT>, c MULTISET<STRING>, d ROW<x INT, y STRING>)",
        "CREATE TABLE t (a CHAR VARYING(3), b CHARACTER VARYING(4), c BINARY VARYING(2), d VARIANT)",
        "CREATE TABLE t (a TIMESTAMP(3) WITH LOCAL TIME ZONE, b TIMESTAMP_LTZ(3), c TIME(0), d DECIMAL(10, 2))",
    ],
    "ExtendedSqlRowTypeName": ["SELECT CAST(a AS ROW<x INT NOT NULL 'the x', y STRING>) FROM t"],
    "SqlStructuredTypeName": ["SELECT CAST(a AS STRUCTURED<'com.example.User', name STRING 'n', age INT>) FROM t"],
    "SqlRawTypeName": ["SELECT CAST(a AS RAW('java.lang.String', 'AAA')) FROM t"],
    "IntervalQualifier": ["SELECT CAST(a AS INTERVAL DAY TO SECOND(3)), CAST(b AS INTERVAL YEAR(2) TO MONTH) FROM t",
                          "SELECT INTERVAL '1' SECOND(3), INTERVAL '1:2' HOUR TO MINUTE, INTERVAL -'1' DAY FROM t"],
}

#: Statements written another way than the dialect writes them back: (as written, as written back).
CANONICAL: list[tuple[str, str]] = [
    ("SHOW TABLES IN d", "SHOW TABLES FROM d"),
    ("SHOW COLUMNS IN t LIKE 'x'", "SHOW COLUMNS FROM t LIKE 'x'"),
    ("select * from t tablesample bernoulli(10)", "SELECT * FROM t TABLESAMPLE BERNOULLI (10)"),
    ("SELECT a FROM t WHERE b = SOME (SELECT 1)", "SELECT a FROM t WHERE b = ANY (SELECT 1)"),
    ("SELECT * FROM TABLE(f(TABLE t PARTITION BY (a) ORDER BY (ts)))",
     "SELECT * FROM TABLE(f(TABLE t PARTITION BY a ORDER BY (ts)))"),
]

#: The productions of Flink 2.2.1's parser (methods of ``FlinkSqlParserImpl``) that a statement, a
#: clause of one or a type is read by; the integration test checks that the pinned jar has each.
STATEMENT_PRODUCTIONS: tuple[str, ...] = (
    "SqlSelect", "RichSqlInsert", "SqlDelete", "SqlUpdate", "SqlMerge", "SqlStatementSet", "SqlBeginStatementSet",
    "SqlEndStatementSet", "SqlExecute", "SqlCompilePlan", "SqlCompileAndExecutePlan", "SqlExecutePlan",
    "SqlRichExplain", "SqlExplain", "SqlCreateTable", "SqlReplaceTable", "SqlCreateMaterializedTable",
    "SqlCreateView", "SqlCreateFunction", "SqlCreateModel", "SqlCreateCatalog", "SqlCreateDatabase",
    "SqlDropTable", "SqlDropView", "SqlDropFunction", "SqlDropModel", "SqlDropCatalog", "SqlDropDatabase",
    "SqlDropMaterializedTable", "SqlAlterTable", "SqlAlterView", "SqlAlterFunction", "SqlAlterModel",
    "SqlAlterCatalog", "SqlAlterDatabase", "SqlAlterMaterializedTable", "SqlSetOption", "AlterTableAddOrModify",
    "AlterTableAddPartition", "AlterTableDropPartitions", "SqlDistribution", "SqlTableLike", "TableColumn",
    "Watermark", "TableConstraint", "SqlTruncateTable", "SqlAnalyzeTable", "SqlProcedureCall", "SqlShowCatalogs",
    "SqlShowCurrentCatalogOrDatabase", "SqlShowDatabases", "SqlShowTables", "SqlShowFunctions", "SqlShowProcedures",
    "SqlShowModels", "SqlShowColumns", "SqlShowCreate", "SqlShowPartitions", "SqlShowModules", "SqlShowJars",
    "SqlShowJobs", "SqlRichDescribeTable", "SqlDescribeCatalog", "SqlDescribeDatabase", "SqlRichDescribeFunction",
    "SqlRichDescribeModel", "SqlDescribeJob", "SqlSet", "SqlReset", "SqlUseCatalog", "SqlUseDatabase",
    "SqlUseModules", "SqlLoadModule", "SqlUnloadModule", "SqlAddJar", "SqlRemoveJar", "SqlStopJob",
    "ExplicitTable", "TableParam", "NamedFunctionCall", "ExplicitModel", "Snapshot", "TableHints", "ExtendTable",
    "MatchRecognize", "Pivot", "Unpivot", "Qualify", "Tablesample", "GroupByWindowingCall", "GroupingElementList",
    "MultisetConstructor", "ArrayConstructor", "MapConstructor", "RowConstructor", "PeriodConstructor",
    "BuiltinFunctionCall", "ExtendedDataType", "ExtendedSqlRowTypeName", "SqlStructuredTypeName", "SqlRawTypeName",
    "IntervalQualifier",
)

#: Statements Flink 2.2's parser refuses and the dialect refuses too, with the dialect's message.
REJECTED: list[tuple[str, str]] = [
    ("CREATE TABLE t (a INT CONSTRAINT c NOT NULL)", "expected PRIMARY KEY after CONSTRAINT name"),
    ("CREATE TABLE t (m STRING METADATA VIRTUAL NOT NULL)", "expected )"),
    ("CREATE MATERIALIZED TABLE IF NOT EXISTS m AS SELECT 1", "CREATE MATERIALIZED TABLE takes no IF NOT EXISTS"),
    ("CREATE TEMPORARY MATERIALIZED TABLE m AS SELECT 1", "a materialized table cannot be TEMPORARY"),
    ("CREATE OR REPLACE MATERIALIZED TABLE m AS SELECT 1",
     "Flink 2.2 has no CREATE OR REPLACE MATERIALIZED TABLE"),
    ("CREATE OR ALTER MATERIALIZED TABLE m AS SELECT 1", "Flink 2.2 has no CREATE OR ALTER"),
    ("CREATE MATERIALIZED TABLE m (a INT) AS SELECT 1 AS a",
     "a materialized table's columns come from its query: only a PRIMARY KEY (...) NOT ENFORCED goes in parentheses"),
    ("CREATE MATERIALIZED TABLE m PARTITIONED BY (a) COMMENT 'x' AS SELECT 1",
     "expected AS <query> (a materialized table is defined by its query)"),
    ("CREATE MATERIALIZED TABLE m REFRESH_MODE = FULL FRESHNESS = INTERVAL '1' HOUR AS SELECT 1",
     "FRESHNESS comes before REFRESH_MODE"),
    ("CREATE MATERIALIZED TABLE m FRESHNESS = '1' AS SELECT 1",
     "FRESHNESS takes an interval, e.g. FRESHNESS = INTERVAL '1' HOUR"),
    ("CREATE MATERIALIZED TABLE m REFRESH_MODE = 'FULL' AS SELECT 1",
     "expected CONTINUOUS or FULL (unquoted) after REFRESH_MODE ="),
    ("DROP TEMPORARY MATERIALIZED TABLE m", "a materialized table is never TEMPORARY: write DROP MATERIALIZED TABLE"),
    ("ALTER MATERIALIZED TABLE m ADD c INT",
     "expected DISTRIBUTION after ADD: a materialized table's columns come from its query"
     " (ALTER MATERIALIZED TABLE ... AS <query> changes them)"),
    ("ALTER MATERIALIZED TABLE IF EXISTS m SUSPEND", "ALTER MATERIALIZED TABLE takes no IF EXISTS"),
    ("CREATE TABLE t (a INT) PARTITIONED BY (a) DISTRIBUTED BY HASH(a)", "DISTRIBUTED BY comes before PARTITIONED BY"),
    ("CREATE TABLE t (a INT) WITH ('x' = 'y') LIKE s AS SELECT 1", "CREATE TABLE ... LIKE takes no AS <query>"),
    ("CREATE SYSTEM FUNCTION f AS 'x'", "a SYSTEM function is always TEMPORARY"),
    ("CREATE TEMPORARY SYSTEM VIEW v AS SELECT 1", "only functions can be TEMPORARY SYSTEM"),
    ("CREATE FUNCTION f AS 'x' LANGUAGE SQL USING JAR 'a.jar'", "USING JAR does not apply to LANGUAGE SQL functions"),
    ("ALTER TEMPORARY TABLE t SET ('a' = 'b')", "only functions are altered as TEMPORARY"),
    ("ALTER DATABASE d RESET ('a')", "expected SET after ALTER DATABASE <name>"),
    ("ALTER VIEW v SET ('a' = 'b')", "expected RENAME TO or AS <query> after ALTER VIEW <name>"),
    ("ALTER VIEW IF EXISTS v RENAME TO w", "ALTER VIEW takes no IF EXISTS"),
    ("DROP TEMPORARY SYSTEM TABLE t", "only functions are SYSTEM"),
    ("SHOW TABLES ILIKE 'x'", "SHOW TABLES takes FROM or IN, LIKE here, not 'ILIKE'"),
    ("SHOW JOBS LIKE 'x'", "SHOW JOBS takes nothing more here, not 'LIKE'"),
    ("SHOW CREATE FUNCTION f", "expected what to SHOW (TABLES, VIEWS, FUNCTIONS, ...)"),
    ("SHOW DATABASES FROM c.d", "a catalog name has one part (no dots)"),
    ("USE CATALOG c.d", "a catalog name has one part (no dots)"),
    ("DESCRIBE EXTENDED MODEL m", "unexpected token"),
    ("EXPLAIN CREATE TABLE t (a INT)",
     "EXPLAIN takes a query, an INSERT, a statement set or CREATE | REPLACE TABLE ... AS <query>"),
    ("EXECUTE CREATE TABLE t AS SELECT 1", "expected STATEMENT SET, PLAN, INSERT or a query after EXECUTE"),
    ("EXPLAIN CHANGELOG_MODE, CHANGELOG_MODE SELECT 1", "CHANGELOG_MODE is named twice"),
    ("COMPILE PLAN 'f' FOR SELECT 1", "expected INSERT or STATEMENT SET BEGIN ... END after FOR"),
    ("COMPILE AND EXECUTE PLAN 'f' IF NOT EXISTS FOR INSERT INTO t SELECT 1",
     "COMPILE AND EXECUTE PLAN takes no IF NOT EXISTS"),
    ("STOP JOB 'x' WITH DRAIN", "unexpected token"),
    ("SET 'a' = 1", "expected a quoted option value: SET 'key' = 'value'"),
    ("EXECUTE STATEMENT SET BEGIN INSERT INTO t SELECT 1; INSERT INTO s SELECT 1 END",
     "expected ; after an INSERT of the statement set"),
    ("SELECT * FROM t LEFT ANTI JOIN s ON t.a = s.a", "unexpected token"),
    ("SELECT * FROM t CROSS APPLY f(t.a)",
     "Flink has no APPLY"),
    ("SELECT t.* EXCEPT (a) FROM t", "Flink has no SELECT * EXCEPT (...)"),
    ("SELECT * FROM t ORDER BY 1 LIMIT 1, 2", "Flink has no LIMIT offset, count"),
    ("SELECT * FROM TABLE t", "TABLE without a function call"),
]

#: Productions of Flink's parser the dialect reads differently, and why.
NOT_ALONE: dict[str, str] = {
    "SqlBeginStatementSet": "BEGIN STATEMENT SET; ... END; in a file is read as one statement set (SqlStatementSet)",
    "SqlEndStatementSet": "END closes the statement set it belongs to; alone it is an error",
}
