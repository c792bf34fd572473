"""Joins written the way Flink's documentation writes them."""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler import compile_project

TABLES = """CREATE TABLE nc_orders (
    id STRING,
    order_time TIMESTAMP(3),
    WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen');

CREATE TABLE nc_shipments (
    order_id STRING,
    ship_time TIMESTAMP(3),
    WATERMARK FOR ship_time AS ship_time - INTERVAL '5' SECOND
) WITH ('connector' = 'datagen');

CREATE TABLE nc_plain (order_id STRING, ship_time TIMESTAMP(3)) WITH ('connector' = 'datagen');

CREATE TABLE nc_sink (id STRING, ship_time TIMESTAMP(3)) WITH ('connector' = 'blackhole');
"""


def _diagnostics(project: Path, job: str) -> list[str]:
    (project / "sql" / "nc_job.sql").write_text(TABLES + job)
    compiled = compile_project(project)
    return [f"{d.location.line}:{d.location.column}: {d.rule}: {d.message}" for d in compiled.diagnostics
            if d.location is not None and d.location.file == "sql/nc_job.sql"]


def test_comma_interval_join_is_an_interval_join(project: Path) -> None:
    job = """
INSERT INTO nc_sink
SELECT o.id, s.ship_time
FROM nc_orders o, nc_shipments s
WHERE o.id = s.order_id
AND o.order_time BETWEEN s.ship_time - INTERVAL '4' HOUR AND s.ship_time;
"""
    assert _diagnostics(project, job) == []


def test_comma_interval_join_without_watermark(project: Path) -> None:
    job = """
INSERT INTO nc_sink
SELECT o.id, s.ship_time
FROM nc_orders o, nc_plain s
WHERE o.id = s.order_id
AND o.order_time BETWEEN s.ship_time - INTERVAL '4' HOUR AND s.ship_time;
"""
    got = _diagnostics(project, job)
    assert got == ["19:19: missing-watermark: interval join on 's.ship_time', which has no watermark"]


def test_comma_join_without_time_bounds_is_regular(project: Path) -> None:
    job = """
INSERT INTO nc_sink
SELECT o.id, s.ship_time
FROM nc_orders o, nc_plain s
WHERE o.id = s.order_id;
"""
    assert _diagnostics(project, job) == [
        "19:19: state-ttl: regular join keeps state forever: 'table.exec.state.ttl' is not set"]
