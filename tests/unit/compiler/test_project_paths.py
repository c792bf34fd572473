"""UDF code and model files come from inside the project: a located error at validate, a refusal at deploy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sqlflow.compiler import compile_project
from sqlflow.config import resolve_settings
from sqlflow.deploy.plan import build_plan
from sqlflow.deploy.ship import ship_files
from sqlflow.errors import ConfigError, DeployError
from sqlflow.flink.env import stage_python_files

JOB = """CREATE TABLE pp_feats (id BIGINT, f1 FLOAT, f2 FLOAT, f3 FLOAT, f4 FLOAT) WITH ('connector' = 'datagen');
CREATE TABLE pp_scored (id BIGINT, p FLOAT) WITH ('connector' = 'blackhole');
"""


def _escapes(project: Path) -> list[tuple[str, int, int, str]]:
    compiled = compile_project(project)
    return [(d.location.file, d.location.line, d.location.column, d.message) for d in compiled.diagnostics
            if d.rule == "path-outside-project"]


@pytest.fixture
def outside(tmp_path: Path, project: Path) -> Path:
    """A folder beside the project holding a real ONNX model and a UDF package."""
    folder = tmp_path / "outside"
    (folder / "pkg").mkdir(parents=True)
    shutil.copy(project / "models" / "ctr.onnx", folder / "ctr.onnx")
    (folder / "pkg" / "__init__.py").write_text("")
    (folder / "pkg" / "fns.py").write_text("def f(x):\n    return x\n")
    return folder


def test_a_create_model_path_out_of_the_project_is_an_error_at_the_path(project, outside):
    (project / "sql" / "pp.sql").write_text(
        JOB + "CREATE MODEL pp_m INPUT (f1 FLOAT, f2 FLOAT, f3 FLOAT, f4 FLOAT) OUTPUT (probability FLOAT)\n"
              "WITH ('provider' = 'onnx', 'path' = '../outside/ctr.onnx');\n"
              "INSERT INTO pp_scored SELECT id, probability FROM ML_PREDICT(TABLE pp_feats, MODEL pp_m, "
              "DESCRIPTOR(f1, f2, f3, f4));\n")
    assert _escapes(project) == [
        ("sql/pp.sql", 4, 37, "model 'pp_m' reads ../outside/ctr.onnx, which is outside the project")]
    # the model loads (the file exists): only the path is wrong, and a deploy refuses it as well
    with pytest.raises(Exception) as err:
        build_plan(resolve_settings(project, target="local"))
    assert "path-outside-project" in [e.rule for e in err.value.errors]
    job = build_plan(resolve_settings(project, target="local"), check=False).job("pp")
    with pytest.raises(DeployError) as refused:
        ship_files(resolve_settings(project, target="local"), job)
    assert refused.value.message == (f"good.pp: the model file {project}/../outside/ctr.onnx lies outside the "
                                     f"project ({project}): it is not shipped")
    assert not (project / ".sqlflow" / "local" / "ship" / "outside").exists()


def test_an_absolute_model_path_elsewhere_in_an_onnx_udf(project, outside):
    (project / "udfs" / "far.py").write_text(
        "from sqlflow.udf import onnx_udf\n\n"
        f"far_score = onnx_udf('far_score', model='{outside / 'ctr.onnx'}', inputs=['FLOAT'] * 4, "
        "result='FLOAT', output='probability')\n")
    assert _escapes(project) == [
        ("udfs/far.py", 3, 1, f"far_score() runs model {outside / 'ctr.onnx'}, which is outside the project")]


def test_a_function_package_that_links_out_of_the_project(project, outside):
    (project / "pkg").symlink_to(outside / "pkg")
    (project / "sql" / "pp.sql").write_text(JOB + "CREATE TEMPORARY FUNCTION pp_f AS 'pkg.fns.f' LANGUAGE PYTHON;\n"
                                                  "INSERT INTO pp_scored SELECT id, pp_f(f1) FROM pp_feats;\n")
    assert _escapes(project) == [
        ("sql/pp.sql", 3, 35, f"function 'pp_f' runs pkg.fns.f from pkg, which links outside the project "
                              f"({outside / 'pkg'})")]
    job = build_plan(resolve_settings(project, target="local"), check=False).job("pp")
    with pytest.raises(DeployError) as refused:
        ship_files(resolve_settings(project, target="local"), job)
    assert refused.value.rule == "path-outside-project"


def test_links_out_of_udfs_and_models_are_errors_and_never_copied(project, outside, tmp_path):
    (project / "models" / "linked.onnx").symlink_to(outside / "ctr.onnx")
    (project / "udfs" / "borrowed.py").symlink_to(outside / "pkg" / "fns.py")
    assert _escapes(project) == [
        ("models/linked.onnx", 0, 0, f"models/linked.onnx links to {outside / 'ctr.onnx'}, outside the project"),
        ("udfs/borrowed.py", 0, 0, f"udfs/borrowed.py links to {outside / 'pkg' / 'fns.py'}, outside the project"),
    ]
    with pytest.raises(ConfigError) as refused:  # sqlflow run stages udfs/ and models/ for the mini-cluster
        stage_python_files(project, Path("udfs"), Path("models"), tmp_path / "staged")
    assert refused.value.message.endswith("lies outside the project (" + str(project) + "): it is not shipped")


def test_paths_inside_the_project_pass(project):
    (project / "sql" / "pp.sql").write_text(
        JOB + "CREATE MODEL pp_m INPUT (f1 FLOAT, f2 FLOAT, f3 FLOAT, f4 FLOAT) OUTPUT (probability FLOAT)\n"
              f"WITH ('provider' = 'onnx', 'path' = '{project / 'models' / 'ctr.onnx'}');\n"
              "INSERT INTO pp_scored SELECT id, probability FROM ML_PREDICT(TABLE pp_feats, MODEL pp_m, "
              "DESCRIPTOR(f1, f2, f3, f4));\n")
    (project / "models" / "alias.onnx").symlink_to(project / "models" / "ctr.onnx")  # a link within is fine
    assert _escapes(project) == []
