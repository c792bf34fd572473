"""Names a newcomer picks that Flink's parser refuses unless quoted."""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler import compile_project


def _reserved(project: Path, sql: str) -> list[str]:
    (project / "sql" / "nc_job.sql").write_text(sql)
    compiled = compile_project(project)
    return [f"{d.location.line}:{d.location.column}: {d.message}" for d in compiled.diagnostics
            if d.rule == "reserved-word" and d.location.file == "sql/nc_job.sql"]


def test_start_end_string_comment_are_refused_unquoted(project: Path) -> None:
    sql = """CREATE TABLE nc_sessions (
    id STRING,
    start TIMESTAMP(3),
    `end` TIMESTAMP(3),
    comment STRING,
    label STRING
) WITH ('connector' = 'datagen');
"""
    assert _reserved(project, sql) == [
        "3:5: 'start' is a reserved word in Flink SQL",
        "5:5: 'comment' is a reserved word in Flink SQL",
    ]


def test_an_alias_named_like_a_keyword(project: Path) -> None:
    sql = """CREATE TABLE nc_src (id STRING, v DOUBLE) WITH ('connector' = 'datagen');
CREATE TABLE nc_out (id STRING, total DOUBLE) WITH ('connector' = 'blackhole');
INSERT INTO nc_out SELECT id, v AS string FROM nc_src;
"""
    assert _reserved(project, sql) == ["3:36: 'string' is a reserved word in Flink SQL"]
