"""Flink's planner agrees with the static rules: it accepts the good project and rejects the bad statements.

One JVM per session; each job file gets a fresh TableEnvironment (its own catalog), as when deployed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sqlflow.compiler import compile_project
from sqlflow.compiler.planner import check

pytestmark = pytest.mark.integration

PROJECTS = Path(__file__).resolve().parents[1] / "fixtures" / "projects"


@pytest.fixture(scope="module")
def good_report(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("good") / "project"
    shutil.copytree(PROJECTS / "good", root, ignore=shutil.ignore_patterns("__pycache__"))
    compiled = compile_project(root)
    return compiled, check(compiled)


@pytest.fixture(scope="module")
def bad_report():
    compiled = compile_project(PROJECTS / "bad")
    return compiled, check(compiled)


def test_good_project_passes_both(good_report) -> None:
    compiled, report = good_report
    assert [d.render() for d in compiled.diagnostics] == []
    assert [d.render() for d in report.diagnostics] == []
    assert (report.checked, report.skipped) == (23, 0)  # shared DDL runs again in each job's environment


def _statement_of(compiled, d) -> tuple[str, int]:
    st = compiled.project.statement_at(d.location)
    return (st.file.rel, st.location.line)


def test_bad_statements_are_rejected_by_both(bad_report) -> None:
    compiled, report = bad_report
    static = sorted((_statement_of(compiled, d), d.rule) for d in compiled.errors)
    planner = sorted(_statement_of(compiled, d) for d in report.diagnostics if d.severity == "error")
    assert static == [
        (("sql/column_count.sql", 1), "insert-column-count"),
        (("sql/column_type.sql", 1), "insert-column-type"),
        (("sql/no_group_id.sql", 1), "missing-option"),
        (("sql/no_watermark.sql", 1), "missing-watermark"),
        (("sql/unknown_column.sql", 1), "unknown-column"),
        (("sql/unknown_function.sql", 1), "unknown-function"),
        (("sql/unknown_table.sql", 1), "unknown-table"),
        (("sql/updating_into_kafka.sql", 3), "append-only-sink"),
    ]
    assert [(_statement_of(compiled, d), d.location.line, d.location.column, d.message)
            for d in report.diagnostics] == [
        (("sql/column_count.sql", 1), 1, 13,
         "Column types of query result and sink for 'default_catalog.default_database.shown' do not match."),
        (("sql/column_type.sql", 1), 1, 13,
         "Column types of query result and sink for 'default_catalog.default_database.shown' do not match."),
        (("sql/no_group_id.sql", 8), 8, 13,
         "Property group.id is required when using committed offset for offsets initializer"),
        (("sql/no_watermark.sql", 1), 1, 13,
         "The window function requires the timecol is a time attribute type, but is TIMESTAMP(3)."),
        (("sql/unknown_column.sql", 1), 2, 8, "Column 'ad_idd' not found in any table"),
        (("sql/unknown_function.sql", 1), 2, 15, "No match found for function signature to_bigint(<NUMERIC>)"),
        (("sql/unknown_table.sql", 1), 2, 28, "Object 'impresions' not found"),
        (("sql/updating_into_kafka.sql", 3), 3, 13,
         "Table sink 'default_catalog.default_database.shown' doesn't support consuming update changes which "
         "is produced by node GroupAggregate(groupBy=[ad_id], select=[ad_id, COUNT(*) AS EXPR$1])"),
    ]
    assert [d.notes for d in report.diagnostics[:2]] == [
        ["Cause: Different number of columns.", "Query schema: [ad_id: BIGINT]",
         "Sink schema:  [ad_id: BIGINT, n: BIGINT]"],
        ["Cause: Incompatible types for sink column 'n' at position 1.",
         "Query schema: [ad_id: BIGINT, label: STRING]", "Sink schema:  [ad_id: BIGINT, n: BIGINT]"],
    ]


def test_shipped_sql_agrees() -> None:
    """The repository's own sql/: static validation and the planner both accept it."""
    compiled = compile_project(PROJECTS.parents[2])
    report = check(compiled)
    assert [d.render() for d in compiled.errors] == []
    assert [d.render() for d in report.diagnostics if d.severity == "error"] == []
    assert report.checked > 0


def test_validate_planner_cli_reports_what_only_flink_sees(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A column outside GROUP BY passes the static rules; ``validate --planner`` maps Flink's error back."""
    from click.testing import CliRunner

    from sqlflow.cli.main import cli

    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "good", root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "sql" / "zz_case.sql").write_text(
        "SET 'table.exec.state.ttl' = '1 h';\n\nSELECT ad_id, label, COUNT(*)\nFROM impressions\nGROUP BY ad_id;\n")
    monkeypatch.chdir(root)
    static = CliRunner().invoke(cli, ["validate", "sql/zz_case.sql"], catch_exceptions=False)
    assert (static.exit_code, static.output) == (0, "0 errors, 0 warnings in 1 file\n")
    result = CliRunner().invoke(cli, ["validate", "--planner", "sql/zz_case.sql"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output == (
        "sql/zz_case.sql:3:15: error[planner]: Expression 'label' is not being grouped\n"
        "   3 | SELECT ad_id, label, COUNT(*)\n"
        "     |               ^^^^^\n"
        "\n"
        "1 error, 0 warnings in 1 file\n")
