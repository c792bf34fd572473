"""A native model step travels to the submitting process as JSON, whole."""

from __future__ import annotations

import json

from sqlflow.compiler.lowering import NativePredict
from sqlflow.flink.submit import predict_from_json, predict_to_json


def _step(reads):
    return NativePredict("__ml_predict_1", "feats", ("f1", "f2"), (("path", "models/m.onnx"), ("batch-size", "64")),
                         (("probability", "FLOAT"),), "ctr", reads=reads)


def test_a_native_step_and_the_columns_it_keeps_survive_the_spec():
    for reads in (("id", "probability"), None):
        step = _step(reads)
        back = predict_from_json(json.loads(json.dumps(predict_to_json(step))))
        assert back == step
        assert back.reads == reads
        assert back.keep(["id", "f1", "f2", "name"]) == (["id", "f1", "f2"] if reads else ["id", "f1", "f2", "name"])


def test_a_spec_written_before_steps_knew_their_columns_keeps_them_all():
    data = predict_to_json(_step(("id",)))
    del data["reads"]
    assert predict_from_json(data).reads is None
