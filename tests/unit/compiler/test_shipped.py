"""The repository's shipped SQL passes static validation without errors."""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler import compile_project

REPO = Path(__file__).resolve().parents[3]


def test_shipped_sql_has_no_errors() -> None:
    compiled = compile_project(REPO)
    assert [j.path for j in compiled.jobs if j.is_job]  # there is SQL to check
    assert [d.render() for d in compiled.errors] == []
