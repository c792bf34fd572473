"""CREATE MODEL ... WITH ('provider'='onnx') and ML_PREDICT, lowered to the ONNX UDF runtime and run on Flink."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from sqlflow.compiler import compile_project
from sqlflow.config import load_config
from sqlflow.errors import JobError, ValidationError
from sqlflow.flink.env import stage_python_files
from sqlflow.flink.job import run_job
from sqlflow.flink.session import EmbeddedSession
from sqlflow.udf.testmodels import build_linear, build_mlp

pytestmark = pytest.mark.integration

ROWS = [{"id": i, "f1": round(0.1 * i, 2), "f2": round(1 - 0.05 * i, 2), "f3": float(i % 3)} for i in range(12)]


def _project(tmp_path: Path, sql: str) -> Path:
    root = tmp_path / "proj"
    (root / "sql").mkdir(parents=True)
    (root / "models").mkdir()
    (root / "udfs").mkdir()
    (root / "sqlflow.yaml").write_text("name: ml\n")
    build_linear(root / "models" / "lin.onnx", 3, seed=3, version="lin-v1")
    build_mlp(root / "models" / "two.onnx", [3, 4, 1], seed=5, version="two-v1", extra_logits=True)
    data = tmp_path / "in"
    data.mkdir()
    (data / "rows.json").write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    (root / "sql" / "predict.sql").write_text(sql.replace("@IN@", str(data)).replace("@OUT@", str(tmp_path / "out")))
    return root


def _read(folder: Path) -> list[dict]:
    rows = []
    for f in sorted(folder.rglob("*")):
        if f.is_file() and not f.name.startswith("."):
            rows += [json.loads(line) for line in f.read_text().splitlines() if line.strip()]
    return rows


def _run(root: Path, flink_cluster, tmp_path: Path):
    config = load_config(root)
    compiled = compile_project(config=config)
    if not compiled.ok:  # the compiler stops a job with errors before Flink sees it
        raise compiled.errors[0]
    job = compiled.job("sql/predict.sql")
    staged = stage_python_files(root, config.udfs_dir, config.models_dir, tmp_path / "pyfiles", job.modules)
    t_env = flink_cluster.job_env(job, streaming=False, python_files=[staged])
    job_id = run_job(t_env, job, base=root)
    assert flink_cluster.wait_for_job(job_id, timeout=180) == "FINISHED"
    return job_id


SOURCE = """
CREATE TABLE feats (id BIGINT, f1 FLOAT, f2 FLOAT, f3 FLOAT)
WITH ('connector' = 'filesystem', 'path' = '@IN@', 'format' = 'json');
"""


def test_ml_predict_single_output(flink_cluster, tmp_path):
    root = _project(tmp_path, SOURCE + """
CREATE MODEL lin
INPUT (a FLOAT, b FLOAT, c FLOAT)
OUTPUT (probability FLOAT)
WITH ('provider' = 'onnx', 'path' = 'models/lin.onnx');

CREATE TABLE scored (id BIGINT, f1 FLOAT, probability FLOAT)
WITH ('connector' = 'filesystem', 'path' = '@OUT@', 'format' = 'json');

INSERT INTO scored
SELECT id, f1, probability FROM ML_PREDICT(TABLE feats, MODEL lin, DESCRIPTOR(f1, f2, f3));
""")
    _run(root, flink_cluster, tmp_path)
    x = np.array([[r["f1"], r["f2"], r["f3"]] for r in ROWS], dtype=np.float32)
    sess = ort.InferenceSession(str(root / "models" / "lin.onnx"), providers=["CPUExecutionProvider"])
    want = sess.run(["probability"], {"features": x})[0][:, 0]
    got = sorted(_read(tmp_path / "out"), key=lambda r: r["id"])
    assert [(r["id"], r["f1"]) for r in got] == [(r["id"], pytest.approx(r["f1"])) for r in ROWS]
    np.testing.assert_allclose([r["probability"] for r in got], want, rtol=1e-6)


def test_ml_predict_multi_output_keeps_all_columns(flink_cluster, tmp_path):
    root = _project(tmp_path, SOURCE + """
CREATE MODEL two
INPUT (a FLOAT, b FLOAT, c FLOAT)
OUTPUT (probability FLOAT, logits ARRAY<FLOAT>)
WITH ('provider' = 'onnx', 'path' = 'models/two.onnx');

CREATE TABLE scored (id BIGINT, f3 FLOAT, probability FLOAT, logits ARRAY<FLOAT>)
WITH ('connector' = 'filesystem', 'path' = '@OUT@', 'format' = 'json');

INSERT INTO scored
SELECT p.id, p.f3, p.probability, p.logits
FROM ML_PREDICT(TABLE feats, MODEL two, DESCRIPTOR(f1, f2, f3)) AS p;
""")
    _run(root, flink_cluster, tmp_path)
    x = np.array([[r["f1"], r["f2"], r["f3"]] for r in ROWS], dtype=np.float32)
    sess = ort.InferenceSession(str(root / "models" / "two.onnx"), providers=["CPUExecutionProvider"])
    prob, logits = sess.run(["probability", "logits"], {"features": x})
    got = sorted(_read(tmp_path / "out"), key=lambda r: r["id"])
    assert [r["id"] for r in got] == [r["id"] for r in ROWS]
    np.testing.assert_allclose([r["probability"] for r in got], prob[:, 0], rtol=1e-6)
    np.testing.assert_allclose([r["logits"] for r in got], logits, rtol=1e-6)


def test_ml_predict_wrong_feature_count_is_located(flink_cluster, tmp_path):
    root = _project(tmp_path, SOURCE + """
CREATE MODEL lin INPUT (a FLOAT, b FLOAT, c FLOAT) OUTPUT (probability FLOAT)
WITH ('provider' = 'onnx', 'path' = 'models/lin.onnx');
CREATE TABLE scored (id BIGINT, probability FLOAT)
WITH ('connector' = 'filesystem', 'path' = '@OUT@', 'format' = 'json');
INSERT INTO scored SELECT id, probability FROM ML_PREDICT(TABLE feats, MODEL lin, DESCRIPTOR(f1, f2));
""")
    with pytest.raises(ValidationError) as err:
        _run(root, flink_cluster, tmp_path)
    assert err.value.rule == "model-signature"
    assert err.value.message == "model 'lin' takes 3 input column(s), DESCRIPTOR gives 2"
    assert err.value.location.line == 9


def test_a_model_the_native_runtime_cannot_find_is_named_at_its_create_model(flink_cluster, tmp_path):
    root = _project(tmp_path, SOURCE + """
CREATE MODEL lin
INPUT (a FLOAT, b FLOAT, c FLOAT)
OUTPUT (probability FLOAT)
WITH ('provider' = 'onnx', 'path' = 'models/lin.onnx');
CREATE TABLE scored (id BIGINT, probability FLOAT)
WITH ('connector' = 'filesystem', 'path' = '@OUT@', 'format' = 'json');
INSERT INTO scored SELECT id, probability FROM ML_PREDICT(TABLE feats, MODEL lin, DESCRIPTOR(f1, f2, f3));
""")
    config = load_config(root)
    compiled = compile_project(config=config)
    assert compiled.ok
    job = compiled.job("sql/predict.sql")
    (root / "models" / "lin.onnx").unlink()  # gone between checking and running
    session = EmbeddedSession(config=config, cluster=flink_cluster)
    session.submit(job, streaming=False)
    with pytest.raises(JobError) as err:
        session.wait(timeout=180)
    e = err.value
    assert (e.location.file, e.location.line) == ("sql/predict.sql", 5)  # its CREATE MODEL
    assert e.message.startswith("job ml.predict failed: model 'lin' failed in open(): model file '")
    assert "lin.onnx' not found" in e.message
    assert "Caused by" not in e.render() and "at io.sqlflow" not in e.render()


WIDE = [{"id": i, "name": f"n{i}", "f1": round(0.1 * i, 2), "f2": round(1 - 0.05 * i, 2), "f3": float(i % 3),
         "tags": {"x": i * 10, "y": f"y{i}"}} for i in range(12)]


@pytest.mark.parametrize("select, columns", [
    # the step scores only what the statement reads (the planner cannot prune through the splice)
    ("SELECT id, p.tags.x AS x, probability FROM ML_PREDICT(TABLE feats, MODEL lin, DESCRIPTOR(f1, f2, f3)) AS p",
     ["id", "f1", "f2", "f3", "tags", "probability"]),
    # a star reads every column
    ("SELECT id, x, probability FROM (SELECT *, p.tags.x AS x FROM "
     "ML_PREDICT(TABLE feats, MODEL lin, DESCRIPTOR(f1, f2, f3)) AS p)",
     ["id", "name", "f1", "f2", "f3", "tags", "probability"]),
])
def test_a_native_step_scores_only_the_columns_its_statement_reads(flink_cluster, tmp_path, select, columns):
    root = _project(tmp_path, """
CREATE TABLE feats (id BIGINT, name STRING, f1 FLOAT, f2 FLOAT, f3 FLOAT, tags ROW<x INT, y STRING>)
WITH ('connector' = 'filesystem', 'path' = '@IN@', 'format' = 'json');

CREATE MODEL lin
INPUT (a FLOAT, b FLOAT, c FLOAT)
OUTPUT (probability FLOAT)
WITH ('provider' = 'onnx', 'path' = 'models/lin.onnx');

CREATE TABLE scored (id BIGINT, x INT, probability FLOAT)
WITH ('connector' = 'filesystem', 'path' = '@OUT@', 'format' = 'json');

INSERT INTO scored
""" + select + ";\n")
    (tmp_path / "in" / "rows.json").write_text("".join(json.dumps(r) + "\n" for r in WIDE))
    config = load_config(root)
    compiled = compile_project(config=config)
    assert compiled.ok, compiled.errors
    job = compiled.job("sql/predict.sql")
    t_env = flink_cluster.job_env(job, streaming=False)
    job_id = run_job(t_env, job, base=root)
    assert flink_cluster.wait_for_job(job_id, timeout=180) == "FINISHED"
    assert t_env.from_path("`__ml_predict_1`").get_schema().get_field_names() == columns
    x = np.array([[r["f1"], r["f2"], r["f3"]] for r in WIDE], dtype=np.float32)
    sess = ort.InferenceSession(str(root / "models" / "lin.onnx"), providers=["CPUExecutionProvider"])
    want = sess.run(["probability"], {"features": x})[0][:, 0]
    got = sorted(_read(tmp_path / "out"), key=lambda r: r["id"])
    assert [(r["id"], r["x"]) for r in got] == [(r["id"], r["tags"]["x"]) for r in WIDE]
    np.testing.assert_allclose([r["probability"] for r in got], want, rtol=1e-6)
