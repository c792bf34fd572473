"""What Flink 2.x's DDL defines and changes: materialized tables, CTAS, ALTER, DROP, functions from jars.

A project that uses them validates clean; the statements after an ALTER see
the changed table; a name defined twice in one session is an error at the
second definition that names the first.
"""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler import compile_project

SHARED = """CREATE TABLE nd_orders (
    order_id STRING,
    amount DOUBLE,
    ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = 'orders',
    'properties.bootstrap.servers' = 'localhost:9092',
    'format' = 'json',
    'scan.startup.mode' = 'earliest-offset'
);

CREATE VIEW nd_big AS SELECT order_id, amount FROM nd_orders WHERE amount > 100;
"""

SINK = "CREATE TABLE nd_sink (order_id STRING, total DOUBLE) WITH ('connector' = 'blackhole');\n\n"


def _diagnostics(project: Path, job: str, shared: str = SHARED) -> list[str]:
    (project / "sql" / "nd_shared.sql").write_text(shared)
    (project / "sql" / "nd_job.sql").write_text(job)
    compiled = compile_project(project)
    return [f"{d.location}: {d.rule}: {d.message}" for d in compiled.diagnostics
            if d.location is not None and d.location.file.startswith("sql/nd_") and d.severity == "error"]


def test_materialized_table_is_a_table_with_a_query(project: Path) -> None:
    job = SINK + """CREATE MATERIALIZED TABLE nd_totals
FRESHNESS = INTERVAL '1' MINUTE
AS SELECT order_id, SUM(amount) AS total FROM nd_orders GROUP BY order_id;

INSERT INTO nd_sink SELECT order_id, total FROM nd_totals;

INSERT INTO nd_sink SELECT order_id, totl FROM nd_totals;
"""
    assert _diagnostics(project, job) == ["sql/nd_job.sql:9:38: unknown-column: unknown column 'totl'"]
    compiled = compile_project(project)
    t = compiled.catalog.relation("nd_totals")
    assert (t.materialized, [(c.name, str(c.type)) for c in t.columns]) == (
        True, [("order_id", "STRING"), ("total", "DOUBLE")])


def test_ctas_columns_come_from_its_query(project: Path) -> None:
    job = SINK + """CREATE TABLE nd_copy WITH ('connector' = 'blackhole') AS SELECT order_id, amount AS total FROM nd_orders;

INSERT INTO nd_sink SELECT order_id, total FROM nd_copy;
"""
    assert _diagnostics(project, job) == []


def test_alter_table_changes_what_later_statements_see(project: Path) -> None:
    job = SINK + """INSERT INTO nd_sink SELECT order_id, discount FROM nd_orders;

ALTER TABLE nd_orders ADD (discount DOUBLE COMMENT 'new' AFTER amount);

INSERT INTO nd_sink SELECT order_id, discount FROM nd_orders;

ALTER TABLE nd_orders DROP (discount);

INSERT INTO nd_sink SELECT order_id, discount FROM nd_orders;

ALTER TABLE nd_orders RENAME amount TO price;

INSERT INTO nd_sink SELECT order_id, price FROM nd_orders;

ALTER TABLE nd_orders MODIFY amount FLOAT;

ALTER TABLE nd_orders ADD price DOUBLE;
"""
    assert _diagnostics(project, job) == [
        "sql/nd_job.sql:3:38: unknown-column: unknown column 'discount'",
        "sql/nd_job.sql:11:38: unknown-column: unknown column 'discount'",
        "sql/nd_job.sql:17:30: unknown-column: unknown column 'amount'",
        "sql/nd_job.sql:19:27: duplicate-definition: column 'price' already exists in 'nd_orders'",
    ]
    compiled = compile_project(project)
    assert compiled.job("sql/nd_job.sql").requires == ("sql/nd_shared.sql:1",)


def test_rename_and_drop_end_a_name(project: Path) -> None:
    job = SINK + """ALTER TABLE nd_orders RENAME TO nd_orders2;

INSERT INTO nd_sink SELECT order_id, amount FROM nd_orders2;

INSERT INTO nd_sink SELECT order_id, amount FROM nd_orders;

DROP VIEW nd_big;

INSERT INTO nd_sink SELECT order_id, amount FROM nd_big;

DROP TABLE nd_nothing;

DROP TABLE IF EXISTS nd_nothing;

ALTER TABLE nd_missing ADD x INT;
"""
    assert _diagnostics(project, job) == [
        "sql/nd_job.sql:7:50: unknown-table: unknown table 'nd_orders'",
        "sql/nd_job.sql:11:50: unknown-table: unknown table 'nd_big'",
        "sql/nd_job.sql:13:12: unknown-table: unknown table 'nd_nothing'",
        "sql/nd_job.sql:17:13: unknown-table: unknown table 'nd_missing'",
    ]


def test_function_from_a_jar_has_an_unknown_signature(project: Path) -> None:
    job = SINK + """CREATE TEMPORARY FUNCTION nd_tax AS 'com.example.Tax' LANGUAGE JAVA USING JAR '/jars/tax.jar';

CREATE FUNCTION nd_round AS 'com.example.Round' LANGUAGE SCALA USING JAR '/jars/a.jar', JAR '/jars/b.jar';

INSERT INTO nd_sink SELECT order_id, nd_tax(nd_round(amount, 2), 'DE') FROM nd_orders;
"""
    assert _diagnostics(project, job) == []


def test_defined_twice_in_one_file_names_the_first(project: Path) -> None:
    job = SINK + """CREATE TEMPORARY VIEW nd_v AS SELECT order_id FROM nd_orders;

CREATE TEMPORARY VIEW nd_v AS SELECT order_id FROM nd_orders;

DROP TEMPORARY VIEW nd_v;

CREATE TEMPORARY VIEW nd_v AS SELECT order_id, amount FROM nd_orders;

INSERT INTO nd_sink SELECT order_id, amount FROM nd_v;
"""
    assert _diagnostics(project, job) == [
        "sql/nd_job.sql:5:23: duplicate-definition: view 'nd_v' is already defined at line 3"]


def test_shared_definition_defined_again_in_a_job_that_reads_it(project: Path) -> None:
    """The job reads nd_big (shared), which reads the shared nd_orders: its own nd_orders collides in Flink."""
    job = SINK + """CREATE TABLE nd_orders (
    order_id STRING,
    amount DOUBLE
) WITH ('connector' = 'datagen');

INSERT INTO nd_sink SELECT order_id, amount FROM nd_big;
"""
    assert _diagnostics(project, job) == [
        "sql/nd_job.sql:3:14: duplicate-definition: table 'nd_orders' is already defined in this job's session"
        " by sql/nd_shared.sql:1 (the job reads it through view 'nd_big')"]


def test_own_copy_of_a_shared_table_is_fine_when_only_it_is_read(project: Path) -> None:
    job = SINK + """CREATE TABLE nd_orders (
    order_id STRING,
    amount DOUBLE
) WITH ('connector' = 'datagen');

INSERT INTO nd_sink SELECT order_id, amount FROM nd_orders;
"""
    assert _diagnostics(project, job) == []


def test_a_sink_of_another_job_comes_with_the_session(project: Path) -> None:
    """Writing a table another job file defines: the job's requires hold that definition, as for a read."""
    (project / "sql" / "nd_other.sql").write_text(SINK + "INSERT INTO nd_sink SELECT order_id, amount FROM nd_orders;\n")
    job = "INSERT INTO nd_sink SELECT order_id, amount * 2 FROM nd_orders;\n"
    assert _diagnostics(project, job) == []
    compiled = compile_project(project)
    assert compiled.job("sql/nd_job.sql").requires == ("sql/nd_other.sql:1", "sql/nd_shared.sql:1")
