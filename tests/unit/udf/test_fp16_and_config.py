from __future__ import annotations

import sys

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from sqlflow.udf import python_config
from sqlflow.udf.fp16 import to_fp16


def test_fp16_model_keeps_float32_io_and_close_results(mlp16, rng):
    half = to_fp16(mlp16.read_bytes())
    model = onnx.load_from_string(half)
    onnx.checker.check_model(model)
    io_types = {v.name: v.type.tensor_type.elem_type for v in [*model.graph.input, *model.graph.output]}
    assert io_types == {"features": onnx.TensorProto.FLOAT, "probability": onnx.TensorProto.FLOAT,
                        "logits": onnx.TensorProto.FLOAT}
    assert {i.data_type for i in model.graph.initializer} == {onnx.TensorProto.FLOAT16}
    x = rng.normal(size=(256, 16)).astype(np.float32)
    ref = ort.InferenceSession(str(mlp16), providers=["CPUExecutionProvider"]).run(None, {"features": x})
    got = ort.InferenceSession(half, providers=["CPUExecutionProvider"]).run(None, {"features": x})
    for r, g in zip(ref, got):
        assert g.dtype == np.float32
        assert np.linalg.norm(g - r) / np.linalg.norm(r) < 1e-2


def test_python_config(tmp_path):
    assert python_config(tmp_path) == {
        "python.executable": sys.executable,
        "python.client.executable": sys.executable,
        "python.pythonpath": str(tmp_path.resolve()),
    }
    conf = python_config(tmp_path, arrow_batch_size=5000, bundle_size=20000, bundle_time_ms=100,
                         execution_mode="thread", metrics=False)
    assert conf == {
        "python.executable": sys.executable,
        "python.client.executable": sys.executable,
        "python.pythonpath": str(tmp_path.resolve()),
        "python.fn-execution.arrow.batch.size": "5000",
        "python.fn-execution.bundle.size": "20000",
        "python.fn-execution.bundle.time": "100",
        "python.execution-mode": "thread",
        "python.metric.enabled": "false",
    }
    with pytest.raises(ValueError, match="execution_mode must be"):
        python_config(tmp_path, execution_mode="fork")
