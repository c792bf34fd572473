"""sqlflow validate and sqlflow lineage: output, formats and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sqlflow.cli.main import cli

BAD_SQL = """INSERT INTO tag_counts
SELECT labl, ts, ad_id FROM impressions;
"""


@pytest.fixture
def run(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(project)

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


def test_validate_clean_project(run) -> None:
    result = run("validate")
    assert (result.exit_code, result.output) == (0, "0 errors, 0 warnings in 4 files\n")


def test_validate_reports_and_exits_1(run, project: Path) -> None:
    (project / "sql" / "zz_case.sql").write_text(BAD_SQL)
    result = run("validate")
    assert result.exit_code == 1
    assert result.output == (
        "sql/zz_case.sql:2:8: error[unknown-column]: unknown column 'labl'\n"
        "   2 | SELECT labl, ts, ad_id FROM impressions;\n"
        "     |        ^^^^\n"
        "  = help: did you mean 'label'?\n"
        "\n"
        "1 error, 0 warnings in 5 files\n")


def test_validate_only_named_files(run, project: Path) -> None:
    (project / "sql" / "zz_case.sql").write_text(BAD_SQL)
    result = run("validate", "sql/feedback")
    assert (result.exit_code, result.output) == (0, "0 errors, 0 warnings in 1 file\n")


def test_warnings_only_exit_0(run, project: Path) -> None:
    (project / "sql" / "zz_case.sql").write_text("SELECT bucket(user_id) FROM impressions;\n")
    result = run("validate", "sql/zz_case.sql")
    assert result.exit_code == 0
    assert result.output.endswith("0 errors, 1 warning in 1 file\n")


def test_validate_json(run, project: Path) -> None:
    (project / "sql" / "zz_case.sql").write_text(BAD_SQL)
    result = run("validate", "--format", "json", "sql/zz_case.sql")
    assert result.exit_code == 1
    assert json.loads(result.output) == {
        "diagnostics": [{"severity": "error", "rule": "unknown-column", "message": "unknown column 'labl'",
                         "file": "sql/zz_case.sql", "line": 2, "column": 8, "hint": "did you mean 'label'?"}],
        "errors": 1, "warnings": 0, "files": ["sql/zz_case.sql"]}


def test_lineage_text_and_json(run) -> None:
    text = run("lineage", "sql/feedback")
    assert (text.exit_code, text.output) == (
        0, "ctr_per_minute  <- impressions, clicks    [sql/feedback/ctr.sql:23]\n    views:  clicked\n")
    js = run("lineage", "--format", "json", "sql/feedback/ctr.sql")
    assert json.loads(js.output) == [{"sink": "ctr_per_minute", "file": "sql/feedback/ctr.sql", "line": 23,
                                      "sources": ["impressions", "clicks"], "views": ["clicked"], "udfs": [],
                                      "models": []}]
