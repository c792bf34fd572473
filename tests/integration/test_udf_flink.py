"""ONNX UDFs inside real Flink SQL jobs (local mini-cluster), batch and streaming.

The expected scores come from onnxruntime run directly on the same inputs.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pandas as pd
import pytest

from sqlflow.udf.testmodels import build_mlp

pytestmark = pytest.mark.integration

UDFS = '''
from sqlflow.udf import onnx_udf, udf

score = onnx_udf("score", model="mlp.onnx", inputs=["ARRAY<FLOAT>"], result="DOUBLE",
                 output="probability")
score_cols = onnx_udf("score_cols", model="mlp.onnx", inputs=["DOUBLE"] * 16, result="DOUBLE",
                      output="probability", batch_size=64)
score_row = onnx_udf("score_row", model="mlp.onnx", inputs=["ARRAY<FLOAT>"],
                     result="ROW<score DOUBLE, model_version STRING>", output="probability")


@udf(args=["DOUBLE"], result="DOUBLE")
def half(x):
    return x / 2
'''

N = 300


@pytest.fixture(scope="session")
def udf_project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("udfproject")
    build_mlp(root / "mlp.onnx", [16, 64, 32, 1], seed=3, version="mlp-1")
    (root / "it_udfs").mkdir()
    (root / "it_udfs" / "scoring.py").write_text(textwrap.dedent(UDFS))
    sys.path.insert(0, str(root))
    return root


def _make_env(streaming: bool, project: Path, execution_mode: str = "process"):
    from pyflink.table import EnvironmentSettings, TableEnvironment

    from sqlflow.udf import configure

    settings = EnvironmentSettings.in_streaming_mode() if streaming \
        else EnvironmentSettings.in_batch_mode()
    env = TableEnvironment.create(settings)
    configure(env, project, arrow_batch_size=100,  # several Arrow batches per job
              execution_mode=execution_mode)
    env.get_config().set("parallelism.default", "2")
    for name in ("score", "score_cols", "score_row", "half"):
        env.execute_sql(f"CREATE TEMPORARY FUNCTION {name} AS 'it_udfs.scoring.{name}' "
                        "LANGUAGE PYTHON")
    return env


@pytest.fixture(scope="session")
def envs(udf_project):
    """Batch and streaming TableEnvironments (and batch in thread mode), one per session."""
    return {"batch": _make_env(False, udf_project), "streaming": _make_env(True, udf_project),
            "thread": _make_env(False, udf_project, execution_mode="thread")}


@pytest.fixture(scope="session")
def features() -> np.ndarray:
    return np.random.default_rng(7).normal(size=(N, 16)).astype(np.float32)


def expected_scores(project: Path, x: np.ndarray) -> np.ndarray:
    sess = ort.InferenceSession(str(project / "mlp.onnx"), providers=["CPUExecutionProvider"])
    return sess.run(["probability"], {"features": x.astype(np.float32)})[0][:, 0].astype(np.float64)


def table(env, rows: list[list[float] | None]):
    from pyflink.table import DataTypes

    df = pd.DataFrame({"id": np.arange(len(rows), dtype=np.int64), "f": rows})
    schema = DataTypes.ROW([DataTypes.FIELD("id", DataTypes.BIGINT()),
                            DataTypes.FIELD("f", DataTypes.ARRAY(DataTypes.FLOAT()))])
    return env.from_pandas(df, schema)


def view(env, name: str, rows: list[list[float] | None]) -> None:
    env.drop_temporary_view(name)
    env.create_temporary_view(name, table(env, rows))


def collect(env, sql: str) -> list[tuple]:
    with env.execute_sql(sql).collect() as rows:
        return sorted(tuple(r) for r in rows)


@pytest.mark.parametrize("mode", ["batch", "streaming", "thread"])
def test_scores_match_onnxruntime(envs, udf_project, features, mode):
    env = envs[mode]
    view(env, "feats", [list(map(float, r)) for r in features])
    got = collect(env, "SELECT id, score(f), half(score(f)) FROM feats")
    ref = expected_scores(udf_project, features)
    assert got == [(i, float(ref[i]), float(ref[i]) / 2) for i in range(N)]


def test_many_columns_match_onnxruntime(envs, udf_project, features):
    env = envs["batch"]
    view(env, "feats", [list(map(float, r)) for r in features])
    cols = ", ".join(f"CAST(f[{j + 1}] AS DOUBLE)" for j in range(16))
    got = collect(env, f"SELECT id, score_cols({cols}) FROM feats")
    ref = expected_scores(udf_project, features)
    assert got == [(i, float(ref[i])) for i in range(N)]


@pytest.mark.parametrize("mode", ["batch", "streaming", "thread"])
def test_bad_rows_are_null_and_the_job_runs_on(envs, udf_project, features, mode):
    env = envs[mode]
    rows: list[list[float] | None] = [list(map(float, r)) for r in features[:40]]
    rows[3] = None  # NULL array
    rows[7] = rows[7][:5]  # wrong length
    rows[11] = rows[11][:15] + [float("nan")]  # NaN element
    rows[19] = [float("inf")] + rows[19][1:]  # inf element
    rows[23] = [None] + rows[23][1:]  # NULL element
    bad = {3, 7, 11, 19, 23}
    view(env, "mixed", rows)
    got = collect(env, "SELECT id, score(f), score_row(f).score, score_row(f).model_version "
                       "FROM mixed")
    ref = expected_scores(udf_project, features[:40])
    expected = [(i, None, None, None) if i in bad else (i, float(ref[i]), float(ref[i]), "mlp-1")
                for i in range(40)]
    assert got == expected


def test_registered_through_the_table_api(envs, udf_project, features):
    from pyflink.table.expressions import col

    from sqlflow.udf import discover

    specs = {s.name: s for s in discover(udf_project / "it_udfs")}
    assert specs["score"].model == "mlp.onnx" and specs["score"].result_type == "DOUBLE"
    import it_udfs.scoring as mod

    env = envs["batch"]
    env.create_temporary_function("score_api", mod.score)
    t = table(env, [list(map(float, r)) for r in features[:10]])
    got = sorted(tuple(r) for r in t.select(col("id"), mod.score(col("f"))).execute().collect())
    ref = expected_scores(udf_project, features[:10])
    assert got == [(i, float(ref[i])) for i in range(10)]
