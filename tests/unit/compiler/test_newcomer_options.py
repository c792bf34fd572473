"""A required connector option that is there, misspelled."""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler import compile_project

KAFKA = """CREATE TABLE nc_clicks (id STRING) WITH (
    'connector' = 'kafka',
    'topic' = 'clicks',
    '{key}' = 'localhost:9092',
    'properties.group.id' = 'g',
    'format' = 'json'
);
"""


def _missing(project: Path, key: str) -> list[str]:
    (project / "sql" / "nc_job.sql").write_text(KAFKA.format(key=key))
    compiled = compile_project(project)
    return [f"{d.location.line}:{d.location.column}: {d.message} | {d.hint}" for d in compiled.diagnostics
            if d.rule == "missing-option" and d.location.file == "sql/nc_job.sql"]


def test_misspelled_bootstrap_servers_is_pointed_at(project: Path) -> None:
    assert _missing(project, "properties.bootstrap.server") == [
        "4:5: connector 'kafka' needs option 'properties.bootstrap.servers' | "
        "'properties.bootstrap.server' is not an option: did you mean 'properties.bootstrap.servers'?"]


def test_a_missing_option_with_no_near_spelling_points_at_the_connector(project: Path) -> None:
    assert _missing(project, "properties.client.id") == [
        "2:5: connector 'kafka' needs option 'properties.bootstrap.servers' | None"]


def test_the_right_spelling_passes(project: Path) -> None:
    assert _missing(project, "properties.bootstrap.servers") == []
