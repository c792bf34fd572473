"""The trained models committed in models/: load, names, shapes, versions, and quality on fresh data."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from sklearn.metrics import log_loss, roc_auc_score

from models.features import ctr_split, reply_split
from sqlflow.udf.model import model_signature
from sqlflow.udf.spec import ModelSignature, TensorSpec

MODELS = Path(__file__).resolve().parents[3] / "models"
#: Held-out data from a seed the models never saw.
FRESH_SEED = 4242


def _session(name: str) -> ort.InferenceSession:
    return ort.InferenceSession(str(MODELS / f"{name}.onnx"), providers=["CPUExecutionProvider"])


def _metrics(name: str) -> dict:
    return json.loads((MODELS / f"{name}.metrics.json").read_text())


@pytest.mark.parametrize("name, n_in, version", [("ctr", 16, "ctr-v3"), ("reply", 8, "reply-v3")])
def test_signature_and_version(name: str, n_in: int, version: str) -> None:
    path = MODELS / f"{name}.onnx"
    assert model_signature(path) == ModelSignature(
        path=str(path),
        inputs=(TensorSpec("features", "float32", ("batch", n_in)),),
        outputs=(TensorSpec("probability", "float32", ("batch", 1)),),
        version=version,
    )
    sess = _session(name)
    assert [(i.name, i.type, i.shape) for i in sess.get_inputs()] == [("features", "tensor(float)", ["batch", n_in])]
    assert [(o.name, o.type, o.shape) for o in sess.get_outputs()] == [("probability", "tensor(float)", ["batch", 1])]
    assert sess.get_modelmeta().custom_metadata_map["version"] == version
    m = _metrics(name)
    assert (m["model"], m["version"], m["input"], m["output"]) == (
        name, version, {"name": "features", "type": "float32", "shape": ["batch", n_in]},
        {"name": "probability", "type": "float32", "shape": ["batch", 1]},
    )
    assert m["onnx_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert m["onnx_vs_numpy_max_abs_diff"] <= 1e-5


def test_feature_names_in_metadata_match_the_feature_table() -> None:
    from sqlflow.gen.features import CTR_FEATURES, REPLY_FEATURES

    for name, table in (("ctr", CTR_FEATURES), ("reply", REPLY_FEATURES)):
        props = {p.key: p.value for p in onnx.load(str(MODELS / f"{name}.onnx")).metadata_props}
        assert props["features"].split(",") == [f.name for f in table] == _metrics(name)["features"]


def test_recorded_metrics_beat_the_base_rate() -> None:
    for name in ("ctr", "reply"):
        m = _metrics(name)
        assert m["auc"] > 0.65 and m["log_loss"] < m["base_rate_log_loss"], name
        assert m["auc"] <= m["oracle_auc"] + 0.01
        assert m["rows_train"] + m["rows_test"] > 100_000


def test_ctr_beats_base_rate_on_fresh_data() -> None:
    split = ctr_split(40_000, FRESH_SEED, test_share=1.0)
    p = _session("ctr").run(["probability"], {"features": split.x_test})[0][:, 0]
    y = split.y_test
    assert p.shape == (40_000,) and p.dtype == np.float32
    auc = roc_auc_score(y, p)
    assert auc > 0.65
    assert log_loss(y, p) < log_loss(y, np.full_like(y, y.mean()))
    assert abs(float(p.mean()) - float(y.mean())) < 0.01  # calibrated on average


def test_reply_beats_base_rate_on_fresh_data() -> None:
    split = reply_split(20_000, FRESH_SEED, test_share=1.0)
    p = _session("reply").run(["probability"], {"features": split.x_test})[0][:, 0]
    y = split.y_test
    assert roc_auc_score(y, p) > 0.65
    assert log_loss(y, p) < log_loss(y, np.full_like(y, y.mean()))


def test_batch_of_one_and_empty_batch() -> None:
    sess = _session("ctr")
    x = ctr_split(2_000, FRESH_SEED, test_share=1.0).x_test
    one = sess.run(["probability"], {"features": x[:1]})[0]
    many = sess.run(["probability"], {"features": x[:64]})[0]
    assert one.shape == (1, 1) and many.shape == (64, 1)
    np.testing.assert_allclose(one[0], many[0], atol=1e-6)
    assert sess.run(["probability"], {"features": x[:0]})[0].shape == (0, 1)
