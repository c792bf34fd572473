"""Flink's planner agrees with the static rules: it accepts the good project and rejects the bad statements.

One JVM per session; each job file gets a fresh TableEnvironment (its own catalog), as when deployed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sqlflow.compiler import compile_project
from sqlflow.flink.explain import check

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
    assert (report.checked, report.skipped) == (20, 0)  # the shared DDL a job reads runs again in its environment


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
    """A cast Flink cannot do passes the static rules; ``validate --planner`` maps Flink's error back."""
    from click.testing import CliRunner

    from sqlflow.cli.main import cli

    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "good", root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "sql" / "zz_case.sql").write_text(
        "SET 'table.exec.state.ttl' = '1 h';\n\nSELECT ad_id, CAST(tags AS BIGINT)\nFROM impressions;\n")
    monkeypatch.chdir(root)
    static = CliRunner().invoke(cli, ["validate", "sql/zz_case.sql"], catch_exceptions=False)
    assert (static.exit_code, static.output) == (0, "0 errors, 0 warnings in 1 file\n")
    result = CliRunner().invoke(cli, ["validate", "--planner", "sql/zz_case.sql"], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output == (
        "sql/zz_case.sql:3:15: error[planner]: Cast function cannot convert value of type VARCHAR(2147483647) ARRAY "
        "to type BIGINT\n"
        "   3 | SELECT ad_id, CAST(tags AS BIGINT)\n"
        "     |               ^^^^^^^^^^^^^^^^^^^^\n"
        "\n"
        "1 error, 0 warnings in 1 file\n")


MODEL_JOB = """CREATE TABLE feats (id BIGINT, f1 FLOAT, f2 FLOAT, f3 FLOAT) WITH ('connector' = 'datagen');

CREATE MODEL two
INPUT (a FLOAT, b FLOAT, c FLOAT)
OUTPUT (probability FLOAT, logits ARRAY<FLOAT>)
WITH ('provider' = 'onnx', 'path' = 'models/two.onnx');

CREATE TABLE scored (id BIGINT, probability FLOAT, logits ARRAY<FLOAT>) WITH ('connector' = 'blackhole');

INSERT INTO scored
SELECT p.id, p.probability, p.logits
FROM ML_PREDICT(TABLE feats, MODEL two, DESCRIPTOR(f1, f2, f3)) AS p;
"""


def _model_project(tmp_path: Path, job: str) -> Path:
    from sqlflow.udf.testmodels import build_mlp

    root = tmp_path / "mlproj"
    for d in ("sql", "models", "udfs"):
        (root / d).mkdir(parents=True)
    (root / "sqlflow.yaml").write_text("name: ml\n")
    build_mlp(root / "models" / "two.onnx", [3, 4, 1], seed=5, version="two-v1", extra_logits=True)
    (root / "sql" / "predict.sql").write_text(job)
    return root


def test_onnx_models_are_lowered_and_planned(tmp_path: Path) -> None:
    """CREATE MODEL on ONNX and ML_PREDICT are planned as they run: as the lowered UDF call."""
    compiled = compile_project(_model_project(tmp_path, MODEL_JOB))
    report = check(compiled)
    assert [d.render() for d in compiled.diagnostics] == []
    assert [d.render() for d in report.diagnostics] == []
    assert (report.checked, report.skipped) == (3, 0)


def test_a_lowered_query_flink_rejects_is_located_at_its_statement(tmp_path: Path) -> None:
    """A sink column too narrow for the model's output: Flink's message, at the INSERT."""
    job = MODEL_JOB.replace("logits ARRAY<FLOAT>) WITH ('connector' = 'blackhole')",
                            "logits ARRAY<INT>) WITH ('connector' = 'blackhole')")
    compiled = compile_project(_model_project(tmp_path, job))
    report = check(compiled)
    errors = [d for d in report.diagnostics if d.severity == "error"]
    assert [(d.location.line, d.location.column) for d in errors] == [(10, 13)]  # the sink's name
    assert "do not match" in errors[0].message
