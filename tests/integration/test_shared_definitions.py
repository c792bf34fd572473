"""A job that reads a table defined in a shared catalog file runs on the embedded target."""

from __future__ import annotations

import json

import pytest

from sqlflow.compiler import compile_project
from sqlflow.config import load_config
from sqlflow.flink.session import EmbeddedSession

pytestmark = pytest.mark.integration


def test_job_reads_a_table_from_a_shared_file(flink_cluster, tmp_path):
    root = tmp_path / "proj"
    (root / "sql" / "common").mkdir(parents=True)
    (root / "sql" / "jobs").mkdir()
    (root / "sqlflow.yaml").write_text("name: shared\n")
    (root / "sql" / "common" / "sources.sql").write_text(
        "-- shared definitions\n"
        "CREATE TABLE numbers (n BIGINT) WITH (\n"
        "    'connector' = 'datagen', 'number-of-rows' = '5',\n"
        "    'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '5'\n"
        ");\n\n"
        "CREATE TABLE unused (x STRING) WITH ('connector' = 'datagen');\n")
    out = tmp_path / "out"
    (root / "sql" / "jobs" / "squares.sql").write_text(
        "SET 'execution.runtime-mode' = 'batch';\n\n"
        f"CREATE TABLE squares (n BIGINT, sq BIGINT) WITH ('connector' = 'filesystem', 'path' = '{out}', 'format' = 'json');\n\n"
        "INSERT INTO squares SELECT n, n * n FROM numbers;\n")
    config = load_config(root)
    squares = compile_project(config=config).job("sql/jobs/squares.sql")
    shared = [(s.location.file, s.location.line) for s in squares.shared]
    assert [(p.rsplit("/", 1)[-1], line) for p, line in shared] == [("sources.sql", 2)]

    session = EmbeddedSession(config=config, cluster=flink_cluster)
    job = session.submit(squares)
    assert flink_cluster.wait_for_job(job.job_id, timeout=180) == "FINISHED"
    rows = [json.loads(line) for f in sorted(out.rglob("*")) if f.is_file() and not f.name.startswith(".")
            for line in f.read_text().splitlines()]
    assert sorted(rows, key=lambda r: r["n"]) == [{"n": n, "sq": n * n} for n in range(1, 6)]
