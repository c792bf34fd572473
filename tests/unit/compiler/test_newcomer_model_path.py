"""A model path with a typo: the error names the file the user probably meant."""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler import compile_project

JOB = """CREATE TABLE nc_feats (id BIGINT, a FLOAT, b FLOAT, c FLOAT, d FLOAT) WITH ('connector' = 'datagen');

CREATE MODEL nc_ctr
INPUT (a FLOAT, b FLOAT, c FLOAT, d FLOAT)
OUTPUT (probability FLOAT)
WITH ('provider' = 'onnx', 'path' = '{path}');

CREATE TABLE nc_scored (id BIGINT, probability FLOAT) WITH ('connector' = 'blackhole');

INSERT INTO nc_scored
SELECT id, probability FROM ML_PREDICT(TABLE nc_feats, MODEL nc_ctr, DESCRIPTOR(a, b, c, d));
"""


def _model_file(project: Path, path: str) -> list[tuple[int, str, str | None]]:
    (project / "sql" / "nc_job.sql").write_text(JOB.format(path=path))
    compiled = compile_project(project)
    return [(d.location.line, d.message, d.hint) for d in compiled.diagnostics if d.rule == "model-file"]


def test_a_misspelled_model_path_suggests_the_file(project: Path) -> None:
    assert _model_file(project, "models/ctrr.onnx") == [
        (11, "model 'nc_ctr' cannot be used: model file 'models/ctrr.onnx' does not exist",
         "did you mean 'models/ctr.onnx'? (the path is set at sql/nc_job.sql:3)")]


def test_a_path_like_no_file_lists_the_projects_models(project: Path) -> None:
    [(_, _, hint)] = _model_file(project, "elsewhere/quality.onnx")
    assert hint == "the project's ONNX files: models/ctr.onnx (the path is set at sql/nc_job.sql:3)"


def test_the_right_path_passes(project: Path) -> None:
    assert _model_file(project, "models/ctr.onnx") == []


def test_a_dropped_model_is_unknown_after_the_drop_and_validate_does_not_crash(project: Path) -> None:
    (project / "sql" / "nc_job.sql").write_text(
        "CREATE MODEL nc_m INPUT (i STRING) OUTPUT (o DOUBLE) WITH ('provider' = 'openai');\n"
        "DROP MODEL nc_m;\n"
        "ALTER MODEL nc_m SET ('provider' = 'abc');\n")
    compiled = compile_project(project)
    assert [(d.rule, d.location.line, d.message) for d in compiled.diagnostics if d.severity == "error"] == [
        ("unknown-model", 3, "unknown model 'nc_m'")]


def _signature_errors(project: Path, outputs: str) -> list[str]:
    (project / "sql" / "nc_job.sql").write_text(JOB.format(path="models/ctr.onnx")
                                                .replace("OUTPUT (probability FLOAT)", f"OUTPUT ({outputs})"))
    return [d.message for d in compile_project(project).diagnostics if d.rule == "model-signature"]


def test_a_model_version_column_is_no_tensor_output(project: Path) -> None:
    # the README's mapping: a STRING column named model_version (or version) gets the model's version
    assert _signature_errors(project, "probability FLOAT, model_version STRING") == []
    assert _signature_errors(project, "probability FLOAT, margin FLOAT") == [
        "model 'nc_ctr' declares 2 outputs, but its ONNX file gives 1 (probability)"]
