"""CREATE TABLE ... LIKE: the new table has the base's columns, watermark, key and options."""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler import compile_project

BASE = """CREATE TABLE nc_orders (
    `user` BIGINT,
    product STRING,
    order_time TIMESTAMP(3),
    pt AS PROCTIME()
) WITH (
    'connector' = 'kafka',
    'topic' = 'orders',
    'properties.bootstrap.servers' = 'localhost:9092',
    'format' = 'json',
    'scan.startup.mode' = 'earliest-offset'
);
"""


def _diagnostics(project: Path, job: str, shared: str = BASE) -> list[str]:
    (project / "sql" / "nc_shared.sql").write_text(shared)
    (project / "sql" / "nc_job.sql").write_text(job)
    compiled = compile_project(project)
    return [f"{d.location}: {d.rule}: {d.message}" for d in compiled.diagnostics
            if d.location is not None and d.location.file.startswith("sql/nc_")]


def test_flink_docs_like_with_watermark_and_overwritten_option(project: Path) -> None:
    job = """CREATE TABLE nc_orders_wm (
    WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND
) WITH (
    'scan.startup.mode' = 'latest-offset'
)
LIKE nc_orders;

CREATE TABLE nc_sink (product STRING, n BIGINT) WITH ('connector' = 'blackhole');

INSERT INTO nc_sink
SELECT product, COUNT(*)
FROM TABLE(TUMBLE(TABLE nc_orders_wm, DESCRIPTOR(order_time), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end, product;
"""
    assert _diagnostics(project, job) == []
    compiled = compile_project(project)
    t = compiled.catalog.relation("nc_orders_wm")
    assert [c.name for c in t.columns] == ["user", "product", "order_time", "pt"]
    assert t.options["scan.startup.mode"] == "latest-offset" and t.options["topic"] == "orders"
    assert compiled.job("sql/nc_job.sql").requires == ("sql/nc_shared.sql:1",)


def test_excluding_all_takes_only_physical_columns(project: Path) -> None:
    job = """CREATE TABLE nc_copy (
    extra STRING
) WITH ('connector' = 'print')
LIKE nc_orders (EXCLUDING ALL);

CREATE TABLE nc_sink (product STRING, extra STRING) WITH ('connector' = 'blackhole');

INSERT INTO nc_sink SELECT product, extra FROM nc_copy;
INSERT INTO nc_sink SELECT product, CAST(pt AS STRING) FROM nc_copy;
"""
    assert _diagnostics(project, job) == ["sql/nc_job.sql:9:42: unknown-column: unknown column 'pt'"]


def test_excluding_options_still_needs_a_connector(project: Path) -> None:
    job = "CREATE TABLE nc_copy WITH ('topic' = 'x') LIKE nc_orders (EXCLUDING OPTIONS);\n"
    assert _diagnostics(project, job) == [
        "sql/nc_job.sql:1:14: unknown-connector: table 'nc_copy' has no 'connector' option"]


def test_unknown_like_base_is_an_unknown_table(project: Path) -> None:
    job = "CREATE TABLE nc_copy WITH ('topic' = 'x') LIKE nc_ordrs;\n"
    got = _diagnostics(project, job)
    assert "sql/nc_job.sql:1:48: unknown-table: unknown table 'nc_ordrs'" in got


def test_inherited_bad_option_is_reported_once_at_the_base(project: Path) -> None:
    shared = BASE.replace("'format' = 'json',", "'format' = 'json', 'scan.startup-mode' = 'x',")
    job = "CREATE TABLE nc_copy WITH ('topic' = 'x') LIKE nc_orders;\n"
    got = _diagnostics(project, job, shared)
    assert [g for g in got if "unknown-option" in g] == [
        "sql/nc_shared.sql:10:24: unknown-option: unknown option 'scan.startup-mode' for connector 'kafka'"]
