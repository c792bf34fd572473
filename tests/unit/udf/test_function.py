"""The ONNX scalar function on pandas batches, checked against onnxruntime run directly."""

from __future__ import annotations

import pickle

import cloudpickle
import numpy as np
import onnxruntime as ort
import pandas as pd
import pytest

from sqlflow.errors import ModelError
from sqlflow.udf import onnx_function, onnx_udf, with_options


def reference(path, x: np.ndarray) -> dict[str, np.ndarray]:
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(None, {"features": x.astype(np.float32)})))


def opened(wrapper):
    fn = onnx_function(wrapper)
    fn.open(None)
    return fn


def test_array_input_scalar_result_matches_onnxruntime(mlp16, rng):
    x = rng.normal(size=(50, 16)).astype(np.float32)
    fn = opened(onnx_udf("score", model=str(mlp16), inputs=["ARRAY<FLOAT>"], result="DOUBLE",
                         output="probability"))
    got = fn.eval(pd.Series(list(x)))
    expected = reference(mlp16, x)["probability"][:, 0].astype(np.float64)
    pd.testing.assert_series_equal(got, pd.Series(expected))
    assert fn.stats.rows == 50 and fn.stats.batches == 1 and fn.stats.bad_rows == {}
    assert fn.placement.provider == "CPUExecutionProvider"


def test_many_double_columns_same_as_array(mlp16, rng):
    x = rng.normal(size=(20, 16))
    fn = opened(onnx_udf("score16", model=str(mlp16), inputs=["DOUBLE"] * 16, result="FLOAT"))
    got = fn.eval(*[pd.Series(x[:, j]) for j in range(16)])
    expected = reference(mlp16, x)["probability"][:, 0]
    pd.testing.assert_series_equal(got, pd.Series(expected))


def test_bad_rows_are_null_and_counted(mlp16, rng):
    x = rng.normal(size=(8, 16)).astype(np.float32)
    rows = list(x)
    rows[1] = None
    rows[3] = x[3][:5]
    rows[4] = np.where(np.arange(16) == 2, np.nan, x[4]).astype(np.float32)
    rows[6] = np.where(np.arange(16) == 0, np.inf, x[6]).astype(np.float32)
    fn = opened(onnx_udf("score", model=str(mlp16), inputs=["ARRAY<FLOAT>"], result="DOUBLE",
                         output="probability"))
    got = fn.eval(pd.Series(rows, dtype=object))
    good = [0, 2, 5, 7]
    expected = np.full(8, np.nan)
    expected[good] = reference(mlp16, x[good])["probability"][:, 0]
    pd.testing.assert_series_equal(got, pd.Series(expected))
    assert fn.stats.bad_rows == {"null": 1, "wrong_length": 1, "nan": 1, "inf": 1}


def test_all_rows_bad_runs_no_batch(mlp16):
    fn = opened(onnx_udf("score", model=str(mlp16), inputs=["ARRAY<FLOAT>"], result="DOUBLE",
                         output="probability"))
    got = fn.eval(pd.Series([None, None], dtype=object))
    pd.testing.assert_series_equal(got, pd.Series([np.nan, np.nan]))
    assert fn.stats.batches == 0 and fn.stats.bad_rows == {"null": 2}


def test_row_result_carries_version_and_other_outputs(mlp16, rng):
    x = rng.normal(size=(5, 16)).astype(np.float32)
    rows = list(x)
    rows[2] = None
    fn = opened(onnx_udf("explain", model=str(mlp16), inputs=["ARRAY<FLOAT>"],
                         result="ROW<score DOUBLE, neg FLOAT, logits ARRAY<FLOAT>, model_version STRING>",
                         output="probability", fields={"neg": "logits[1]"}))
    got = fn.eval(pd.Series(rows, dtype=object))
    ref = reference(mlp16, x)
    good = [0, 1, 3, 4]
    score = np.full(5, np.nan)
    score[good] = ref["probability"][good, 0]
    neg = np.full(5, np.nan, dtype=np.float32)
    neg[good] = ref["logits"][good, 1]
    assert list(got.columns) == ["score", "neg", "logits", "model_version"]
    pd.testing.assert_series_equal(got["score"], pd.Series(score, name="score"))
    pd.testing.assert_series_equal(got["neg"], pd.Series(neg, name="neg"))
    assert got["model_version"].tolist() == ["mlp-1", "mlp-1", None, "mlp-1", "mlp-1"]
    logits = got["logits"].tolist()
    assert logits[2] is None
    for i in good:
        np.testing.assert_array_equal(logits[i], ref["logits"][i])


def test_version_falls_back_to_file_hash(fixed4):
    import hashlib

    fn = opened(onnx_udf("v", model=str(fixed4), inputs=["DOUBLE"] * 3,
                         result="ROW<p DOUBLE, version STRING>", output="probability"))
    got = fn.eval(pd.Series([1.0]), pd.Series([2.0]), pd.Series([3.0]))
    assert got["version"].tolist() == [hashlib.sha256(fixed4.read_bytes()).hexdigest()[:12]]


@pytest.mark.parametrize("batch_size, batches", [(7, 3), (20, 1), (None, 1)])
def test_batches_split_by_size(linear16, rng, batch_size, batches):
    x = rng.normal(size=(20, 16)).astype(np.float32)
    fn = opened(onnx_udf("lin", model=str(linear16), inputs=["ARRAY<FLOAT>"], result="DOUBLE",
                         batch_size=batch_size))
    got = fn.eval(pd.Series(list(x)))
    expected = reference(linear16, x)["probability"][:, 0].astype(np.float64)
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-6)
    assert fn.stats.batches == batches and fn.runner.batches == batches


def test_fixed_batch_model_is_split_and_padded(fixed4, rng):
    x = rng.normal(size=(10, 3))
    fn = opened(onnx_udf("fx", model=str(fixed4), inputs=["DOUBLE"] * 3, result="DOUBLE",
                         batch_size=1000))
    got = fn.eval(*[pd.Series(x[:, j]) for j in range(3)])
    sess = ort.InferenceSession(str(fixed4), providers=["CPUExecutionProvider"])
    padded = np.zeros((12, 3), dtype=np.float32)
    padded[:10] = x
    expected = np.concatenate([sess.run(None, {"features": padded[i:i + 4]})[0]
                               for i in (0, 4, 8)])[:10, 0].astype(np.float64)
    pd.testing.assert_series_equal(got, pd.Series(expected))
    assert fn.stats.batches == 3


def test_integer_and_boolean_results_with_nulls(linear16, rng):
    x = rng.normal(size=(3, 16)).astype(np.float32)
    rows = [x[0], None, x[2]]
    p = reference(linear16, x)["probability"][:, 0]
    fn = opened(onnx_udf("flag", model=str(linear16), inputs=["ARRAY<FLOAT>"], result="BOOLEAN"))
    assert fn.eval(pd.Series(rows, dtype=object)).tolist() == [bool(p[0] > 0.5), None,
                                                                bool(p[2] > 0.5)]


def test_function_pickles_without_a_session(linear16, rng):
    wrapper = onnx_udf("lin", model=str(linear16), inputs=["ARRAY<FLOAT>"], result="DOUBLE")
    fn = opened(wrapper)
    clone = pickle.loads(cloudpickle.dumps(fn))
    assert clone.runner is None and clone.config == fn.config
    x = rng.normal(size=(4, 16)).astype(np.float32)
    clone.open(None)
    pd.testing.assert_series_equal(clone.eval(pd.Series(list(x))), fn.eval(pd.Series(list(x))))


def test_with_options_changes_run_options_only(linear16):
    wrapper = onnx_udf("lin", model=str(linear16), inputs=["ARRAY<FLOAT>"], result="DOUBLE")
    other = with_options(wrapper, batch_size=3, device="cpu")
    cfg = onnx_function(other).config
    assert cfg.run.batch_size == 3 and cfg.device == "cpu" and other.spec == wrapper.spec


def test_model_mismatches_are_model_errors_at_the_declaration(mlp16):
    line_of = lambda: __import__("inspect").currentframe().f_back.f_lineno  # noqa: E731
    wrong_output = onnx_udf("s", model=str(mlp16), inputs=["ARRAY<FLOAT>"], result="DOUBLE",
                            output="probabilty"); line = line_of() - 1
    with pytest.raises(ModelError) as err:
        onnx_function(wrong_output).open(None)
    assert err.value.rule == "model-signature"
    assert err.value.location.file == __file__ and err.value.location.line == line
    assert "model has no output 'probabilty' (outputs: probability, logits)" in err.value.message
    assert err.value.hint == "did you mean 'probability'?"

    too_few = onnx_udf("s", model=str(mlp16), inputs=["DOUBLE"] * 3, result="DOUBLE")
    with pytest.raises(ModelError, match="takes 16 features per row but 3 columns are declared"):
        onnx_function(too_few).open(None)

    wrong_input = onnx_udf("s", model=str(mlp16), inputs=["DOUBLE"] * 16, result="DOUBLE",
                           input="feature")
    with pytest.raises(ModelError, match="has no input 'feature'"):
        onnx_function(wrong_input).open(None)


def test_missing_model_is_a_model_error(tmp_path):
    wrapper = onnx_udf("s", model="models/none.onnx", inputs=["DOUBLE"], result="DOUBLE")
    with pytest.raises(ModelError) as err:
        onnx_function(wrapper).open(None)
    assert err.value.rule == "model-not-found"
    assert "model file 'models/none.onnx' not found" in err.value.message


@pytest.mark.parametrize("pipeline", [True, False])
def test_pipelined_batches_keep_row_order_and_bad_rows(mlp16, rng, pipeline):
    x = rng.normal(size=(20, 16)).astype(np.float32)
    rows = list(x)
    for i in (2, 9, 10, 19):  # bad rows in the first, second and last model batch
        rows[i] = None
    fn = opened(onnx_udf("p", model=str(mlp16), inputs=["ARRAY<FLOAT>"], result="DOUBLE",
                         output="probability", batch_size=6, pipeline=pipeline))
    assert (fn._pool is not None) == pipeline  # on a CPU only when asked for
    got = fn.eval(pd.Series(rows, dtype=object))
    good = [i for i in range(20) if i not in (2, 9, 10, 19)]
    expected = np.full(20, np.nan)
    expected[good] = reference(mlp16, x[good])["probability"][:, 0]
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=1e-6)
    assert fn.stats.bad_rows == {"null": 4} and fn.stats.rows == 20
    # pipelined: 6 + 6 + 6 + 2 rows, bad rows left out of each; serial: 16 valid rows by 6
    assert fn.stats.batches == (4 if pipeline else 3)
    fn.close()
    assert fn.runner is None
