"""The native ONNX model runtime (jvm/) from Python: the SQL model provider and the splice.

Scores are checked against Python onnxruntime on the same rows (the features are
collected with the scores). Needs the jar ``make`` builds (``make jvm``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from pyflink.table.expressions import col

from sqlflow.flink import native as native_model
from sqlflow.errors import ModelError

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CTR = ROOT / "models" / "ctr.onnx"
FEATURES = [f"f{j}" for j in range(16)]
COLS = ", ".join(f"f{j} DOUBLE" for j in range(16))


def _env(streaming: bool, parallelism: int = 2):
    from pyflink.datastream import StreamExecutionEnvironment
    from pyflink.table import EnvironmentSettings, StreamTableEnvironment

    env = StreamExecutionEnvironment.get_execution_environment()
    settings = EnvironmentSettings.in_streaming_mode() if streaming else EnvironmentSettings.in_batch_mode()
    t_env = StreamTableEnvironment.create(env, environment_settings=settings)
    native_model.add_jar(t_env)
    t_env.get_config().set("parallelism.default", str(parallelism))
    return t_env


def _source(t_env, rows: int, nulls: bool = False) -> None:
    """Rows 1..rows whose features are a function of the id, so every job sees the same rows;
    with ``nulls``, f3 is NULL on every 20th row."""
    feats = [f"f{j} AS 2 * SIN(id * {0.37 * (j + 1):.2f})" for j in range(16)]
    if nulls:
        feats[3] = "f3 AS CASE WHEN MOD(id, 20) = 0 THEN CAST(NULL AS DOUBLE) ELSE 2 * SIN(id * 1.48) END"
    t_env.execute_sql(
        f"CREATE TEMPORARY TABLE src (id BIGINT, {', '.join(feats)}, "
        "ts AS TO_TIMESTAMP_LTZ(id * 1000, 3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) "
        f"WITH ('connector' = 'datagen', 'number-of-rows' = '{rows}', 'fields.id.kind' = 'sequence', "
        f"'fields.id.start' = '1', 'fields.id.end' = '{rows}')")


def _python_scores(features: list[list[float]]) -> np.ndarray:
    sess = ort.InferenceSession(str(CTR), providers=["CPUExecutionProvider"])
    x = np.asarray(features, dtype=np.float32)
    return sess.run(["probability"], {"features": x})[0][:, 0]


def _check_scores(rows: list, first_feature: int, score: int) -> None:
    """Every row's score equals Python onnxruntime's on its features (NULL where one is NULL)."""
    feats = [list(r[first_feature:first_feature + 16]) for r in rows]
    good = [i for i, f in enumerate(feats) if all(v is not None for v in f)]
    want = _python_scores([feats[i] for i in good])
    got = np.array([rows[i][score] for i in good], dtype=np.float32)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    assert [rows[i][score] for i in range(len(rows)) if i not in set(good)] == \
        [None] * (len(rows) - len(good))


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_sql_provider_streaming_scores_equal_python(mode):
    t_env = _env(streaming=True)
    _source(t_env, 300)
    t_env.execute_sql(f"CREATE TEMPORARY MODEL ctr INPUT ({COLS}) "
                      "OUTPUT (probability FLOAT, model_version STRING) "
                      f"WITH ('provider' = 'onnx', 'path' = '{CTR}', 'batch-size' = '64')")
    config = "MAP['async', 'false']" if mode == "sync" else \
        "MAP['async', 'true', 'max-concurrent-operations', '64', 'timeout', '0']"
    query = (f"SELECT id, {', '.join(FEATURES)}, probability, model_version FROM "
             f"ML_PREDICT(TABLE src, MODEL ctr, DESCRIPTOR({', '.join(FEATURES)}), {config})")
    rows = sorted(t_env.execute_sql(query).collect(), key=lambda r: r[0])
    assert [r[0] for r in rows] == list(range(1, 301))
    assert {r[18] for r in rows} == {"ctr-v3"}
    _check_scores(rows, 1, 17)


def test_splice_batch_mode_scores_equal_python_and_nulls_are_null():
    t_env = _env(streaming=False)
    _source(t_env, 1000, nulls=True)
    scored = native_model.predict(t_env, t_env.from_path("src"), FEATURES,
                                  {"path": str(CTR), "batch-size": "128"},
                                  [("probability", "FLOAT"), ("model_version", "STRING")])
    names = scored.get_schema().get_field_names()
    assert names == ["id", *FEATURES, "ts", "probability", "model_version"]
    rows = sorted(scored.select(*[col(n) for n in names if n != "ts"]).execute().collect(),
                  key=lambda r: r[0])
    assert [r[0] for r in rows] == list(range(1, 1001))
    nulls = [r[0] for r in rows if r[17] is None]
    assert nulls == list(range(20, 1001, 20))
    assert all(r[18] is None for r in rows if r[17] is None)
    assert {r[18] for r in rows if r[17] is not None} == {"ctr-v3"}
    _check_scores(rows, 1, 17)


def test_splice_streaming_keeps_rowtime_and_watermarks_for_a_window():
    t_env = _env(streaming=True)
    _source(t_env, 95)
    scored = native_model.predict(t_env, t_env.from_path("src"), FEATURES,
                                  {"path": str(CTR), "batch-size": "16", "flush-interval": "5 ms"},
                                  [("probability", "FLOAT")])
    schema = str(scored.get_schema())
    assert "ts: TIMESTAMP_LTZ(3) *ROWTIME*" in schema
    assert "WATERMARK FOR ts: TIMESTAMP_LTZ(3) AS `SOURCE_WATERMARK`()" in schema
    t_env.create_temporary_view("scored", scored)
    rows = sorted(t_env.execute_sql("SELECT id, " + ", ".join(FEATURES) + ", probability FROM scored")
                  .collect(), key=lambda r: r[0])
    _check_scores(rows, 1, 17)
    windows = t_env.execute_sql(
        "SELECT window_start, COUNT(*) AS n, SUM(CAST(probability AS DOUBLE)) AS s FROM "
        "TABLE(TUMBLE(TABLE scored, DESCRIPTOR(ts), INTERVAL '10' SECOND)) "
        "GROUP BY window_start, window_end")
    got = sorted((r[0].replace(tzinfo=None) if r[0].tzinfo else r[0], r[1], r[2])
                 for r in windows.collect())
    want: dict[int, list[float]] = defaultdict(list)
    for r in rows:
        want[r[0] // 10 * 10].append(float(r[17]))
    assert [(w, n) for w, n, _ in got] == [
        (datetime.fromtimestamp(start, tz=timezone.utc).replace(tzinfo=None), len(v))
        for start, v in sorted(want.items())]
    for (_, _, s), (_, v) in zip(got, sorted(want.items())):
        assert math.isclose(s, sum(v), rel_tol=1e-5)


def test_splice_errors_name_the_columns_and_options():
    t_env = _env(streaming=True)
    _source(t_env, 10)
    src = t_env.from_path("src")
    with pytest.raises(ModelError) as err:
        native_model.predict(t_env, src, ["f0", "fx"], {"path": str(CTR)}, [("probability", "FLOAT")])
    assert "unknown DESCRIPTOR column 'fx'" in err.value.message
    assert err.value.rule == "model-native"
    with pytest.raises(ModelError) as err:
        native_model.predict(t_env, src, FEATURES, {"path": str(CTR), "batch_size": "8"},
                             [("probability", "FLOAT")])
    assert "Unsupported options:\n\nbatch_size\n" in err.value.message
    with pytest.raises(ModelError) as err:
        native_model.predict(t_env, src, FEATURES, {"path": str(CTR)}, [("score", "FLOAT"), ("p", "FLOAT")])
    assert err.value.message.endswith(
        "model ctr.onnx has no output 'score' for OUTPUT column 'score' (outputs: probability)")
