"""INSERT forms of Flink's documentation: static partitions, OVERWRITE in batch mode."""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler import compile_project

TABLES = """SET 'execution.runtime-mode' = 'batch';

CREATE TABLE nc_in (product STRING, amount DOUBLE, dt STRING)
WITH ('connector' = 'filesystem', 'path' = '/tmp/in', 'format' = 'json');

CREATE TABLE nc_out (product STRING, cnt BIGINT, dt STRING) PARTITIONED BY (dt)
WITH ('connector' = 'filesystem', 'path' = '/tmp/out', 'format' = 'csv');
"""


def _diagnostics(project: Path, job: str) -> list[str]:
    (project / "sql" / "nc_job.sql").write_text(TABLES + job)
    compiled = compile_project(project)
    return [f"{d.location.line}:{d.location.column}: {d.rule}: {d.message}" for d in compiled.diagnostics
            if d.location is not None and d.location.file == "sql/nc_job.sql"]


def test_static_partition_is_not_a_query_column(project: Path) -> None:
    job = """
INSERT OVERWRITE nc_out PARTITION (dt = '2024-01-01')
SELECT product, COUNT(*) FROM nc_in GROUP BY product;

INSERT INTO nc_out PARTITION (dt = '2024-01-02') (product, cnt)
SELECT product, COUNT(*) FROM nc_in GROUP BY product;

INSERT OVERWRITE nc_out SELECT product, COUNT(*), dt FROM nc_in GROUP BY product, dt;
"""
    assert _diagnostics(project, job) == []


def test_static_partition_still_counts_the_other_columns(project: Path) -> None:
    job = """
INSERT OVERWRITE nc_out PARTITION (dt = '2024-01-01')
SELECT product, COUNT(*), dt FROM nc_in GROUP BY product, dt;
"""
    assert _diagnostics(project, job) == ["9:18: insert-column-count: query returns 3 columns, but sink 'nc_out' takes 2"]


def test_unknown_static_partition_column(project: Path) -> None:
    job = """
INSERT OVERWRITE nc_out PARTITION (dtt = '2024-01-01')
SELECT product, COUNT(*) FROM nc_in GROUP BY product;
"""
    got = _diagnostics(project, job)
    assert "9:36: insert-column-count: sink 'nc_out' has no partition column 'dtt'" in got
    compiled = compile_project(project)
    [d] = [d for d in compiled.diagnostics if "dtt" in d.message]
    assert d.hint == "did you mean 'dt'?"
