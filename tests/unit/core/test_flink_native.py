"""sqlflow.flink.native without a JVM: where the jar is, and the error when it is not built."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sqlflow.flink import native as native_model
from sqlflow.errors import SetupError

ROOT = Path(__file__).resolve().parents[3]


def test_one_version_in_pom_makefile_and_python():
    pom = (ROOT / "jvm" / "pom.xml").read_text()
    project = pom.split("<dependencies>")[0]
    assert re.search(r"<artifactId>sqlflow-onnx</artifactId>\s*<version>([^<]+)</version>",
                     project).group(1) == native_model.NATIVE_VERSION
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^NATIVE_VERSION := (\S+)$", makefile, re.M).group(1) == native_model.NATIVE_VERSION


def test_jar_path_is_in_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("SQLFLOW_CACHE", str(tmp_path))
    assert native_model.jar_path() == tmp_path / "jars" / "native" / "sqlflow-onnx-0.1.0.jar"


def test_missing_jar_names_make(monkeypatch, tmp_path):
    monkeypatch.setenv("SQLFLOW_CACHE", str(tmp_path))
    with pytest.raises(SetupError) as err:
        native_model.native_jar()
    assert err.value.message == (f"the native ONNX model runtime is not built: "
                                 f"{tmp_path}/jars/native/sqlflow-onnx-0.1.0.jar is missing")
    assert err.value.hint == "run `make` in the sqlflow checkout (it builds jvm/ with Maven and Java 17)"
    jar = tmp_path / "jars" / "native" / "sqlflow-onnx-0.1.0.jar"
    jar.parent.mkdir(parents=True)
    jar.write_bytes(b"PK")
    assert native_model.native_jar() == jar


class _Config:
    def __init__(self, jars: str = ""):
        self.values = {"pipeline.jars": jars} if jars else {}

    def get(self, key, default=None):
        return self.values.get(key, default)

    def set(self, key, value):
        self.values[key] = value


class _Env:
    def __init__(self, jars: str = ""):
        self.config = _Config(jars)

    def get_config(self):
        return self.config


def test_add_jar_appends_once(monkeypatch, tmp_path):
    monkeypatch.setenv("SQLFLOW_CACHE", str(tmp_path))
    jar = tmp_path / "jars" / "native" / "sqlflow-onnx-0.1.0.jar"
    jar.parent.mkdir(parents=True)
    jar.write_bytes(b"PK")
    env = _Env("file:///opt/kafka.jar")
    native_model.add_jar(env)
    native_model.add_jar(env)
    assert env.config.values["pipeline.jars"] == f"file:///opt/kafka.jar;{jar.as_uri()}"


def test_the_image_builds_and_ships_the_same_version():
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text()
    shipped = re.findall(r"sqlflow-onnx-([\d.]+)\.jar", dockerfile)
    assert shipped and set(shipped) == {native_model.NATIVE_VERSION}
    assert "COPY jvm ./jvm" in dockerfile and "jars/native/" in dockerfile


NATIVE_TRACE = """org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy
\tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler.handleFailure(X.java:1)
Caused by: org.apache.flink.table.api.ValidationException: model file '/srv/proj/models/ctr.onnx' not found (looked at /srv/proj/models/ctr.onnx and the files shipped with the job)
\tat io.sqlflow.onnx.ModelFiles.find(ModelFiles.java:64)
\tat io.sqlflow.onnx.OnnxPredictOperator.open(OnnxPredictOperator.java:80)
"""


def test_a_failure_of_the_native_runtime_is_the_model_s_at_its_create_model():
    from sqlflow.compiler import compile_project

    root = ROOT / "tests" / "fixtures" / "projects" / "good"
    sql = ("CREATE TEMPORARY MODEL ctr\nINPUT (f1 FLOAT, f2 FLOAT)\nOUTPUT (probability FLOAT)\n"
           "WITH ('provider' = 'onnx', 'path' = 'models/ctr.onnx');\n"
           "CREATE TEMPORARY TABLE feats (f1 FLOAT, f2 FLOAT) WITH ('connector' = 'datagen');\n"
           "CREATE TEMPORARY TABLE scored (probability FLOAT) WITH ('connector' = 'blackhole');\n"
           "INSERT INTO scored SELECT probability FROM ML_PREDICT(TABLE feats, MODEL ctr, DESCRIPTOR(f1, f2));\n")
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "p"
        shutil.copytree(root, project, ignore=shutil.ignore_patterns("__pycache__"))
        (project / "sql" / "zz_native.sql").write_text(sql)
        job = compile_project(project).job("sql/zz_native.sql")
    assert job.native
    message, where = native_model.native_failure(NATIVE_TRACE, job.session)
    assert message == ("model 'ctr' failed in open(): model file '/srv/proj/models/ctr.onnx' not found (looked at "
                       "/srv/proj/models/ctr.onnx and the files shipped with the job)")
    assert (where.file, where.line) == ("sql/zz_native.sql", 1)
    assert native_model.native_failure("java.lang.OutOfMemoryError: Java heap space", job.session) is None
