"""The shipped jobs are in the house style and pass the compiler: they are the templates users copy."""

from pathlib import Path

import pytest

from sqlflow.compiler import compile_project
from sqlflow.dialect import format_sql

ROOT = Path(__file__).resolve().parents[3]
FILES = sorted((ROOT / "sql").rglob("*.sql"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_sql_is_formatted(path):
    text = path.read_text()
    assert format_sql(text) == text


def test_shipped_project_validates_clean():
    compiled = compile_project(ROOT)
    assert [d.render() for d in compiled.diagnostics] == []
    assert len(FILES) == 7
