"""The UDF runtime on a real CUDA GPU: provider choice, device, and results equal to the CPU's.

Skipped, with the reason, where no usable GPU exists. Imports only sqlflow.udf.
"""

from __future__ import annotations

import logging

import numpy as np
import onnxruntime as ort
import pandas as pd
import pytest

from sqlflow.udf import onnx_function, onnx_udf
from sqlflow.udf.provider import CUDA, cuda_device_count, cuda_unusable_reason
from sqlflow.udf.testmodels import build_mlp

_REASON = cuda_unusable_reason(0)
pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(_REASON is not None, reason=f"no usable GPU: {_REASON}")]


@pytest.fixture(scope="module")
def mlp(tmp_path_factory):
    return build_mlp(tmp_path_factory.mktemp("gpu") / "mlp.onnx", [64, 256, 128, 1], seed=5,
                     version="gpu-1", extra_logits=True)


def cpu_reference(path, x: np.ndarray) -> np.ndarray:
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return sess.run(["probability"], {"features": x})[0][:, 0].astype(np.float64)


def opened(path, context=None, **kw):
    fn = onnx_function(onnx_udf("g", model=str(path), inputs=["ARRAY<FLOAT>"], result="DOUBLE",
                                output="probability", **kw))
    fn.open(context)
    return fn


def rel_err(got: np.ndarray, ref: np.ndarray) -> float:
    return float(np.linalg.norm(got - ref) / np.linalg.norm(ref))


def test_auto_picks_cuda_and_logs_it(mlp, caplog):
    with caplog.at_level(logging.INFO, logger="sqlflow.udf"):
        fn = opened(mlp)
    assert fn.placement.provider == CUDA and fn.placement.device_id == 0
    assert fn.runner.session.get_providers()[0] == CUDA
    assert any("runs on CUDAExecutionProvider (GPU 0)" in r.getMessage() for r in caplog.records)


class _Info:
    def __init__(self, index: str):
        self.index = index

    def get_property(self, key):
        return self.index if key == "index" else None


class _FlinkContext:
    """FunctionContext as newer PyFlink has it: metrics off, the GPU Flink assigned."""

    def __init__(self, index: str):
        self.index = index

    def get_metric_group(self):
        raise RuntimeError("metrics off")

    def get_external_resource_info(self, name):
        return [_Info(self.index)] if name == "gpu" else []

    def get_job_parameter(self, key, default):
        return default


def test_uses_the_gpu_flink_assigned(mlp):
    last = cuda_device_count() - 1
    fn = opened(mlp, context=_FlinkContext(str(last)))
    assert fn.placement.device_id == last
    opts = fn.runner.session.get_provider_options()[CUDA]
    assert opts["device_id"] == str(last)


def test_job_parameter_picks_the_gpu(mlp):
    from pyflink.table.udf import FunctionContext

    last = cuda_device_count() - 1
    fn = opened(mlp, context=FunctionContext(None, {"sqlflow.udf.gpu": str(last)}))
    assert fn.runner.session.get_provider_options()[CUDA]["device_id"] == str(last)


@pytest.mark.parametrize("io_binding", [True, False])
@pytest.mark.parametrize("batch_size", [1000, None])
def test_same_results_as_cpu(mlp, io_binding, batch_size):
    x = np.random.default_rng(11).normal(size=(5000, 64)).astype(np.float32)
    rows = list(x)
    rows[17] = None
    rows[4000] = x[4000][:10]
    fn = opened(mlp, io_binding=io_binding, batch_size=batch_size)
    got = fn.eval(pd.Series(rows, dtype=object)).to_numpy()
    good = np.ones(5000, dtype=bool)
    good[[17, 4000]] = False
    assert np.isnan(got[~good]).all()
    assert rel_err(got[good], cpu_reference(mlp, x[good])) < 1e-3  # TF32 matmuls may be on
    assert fn.stats.bad_rows == {"null": 1, "wrong_length": 1}


def test_fp16_close_to_cpu_fp32(mlp):
    x = np.random.default_rng(12).normal(size=(4096, 64)).astype(np.float32)
    fn = opened(mlp, fp16=True)
    got = fn.eval(pd.Series(list(x))).to_numpy()
    assert rel_err(got, cpu_reference(mlp, x)) < 1e-2


def test_row_result_on_gpu(mlp):
    x = np.random.default_rng(13).normal(size=(8, 64)).astype(np.float32)
    fn = onnx_function(onnx_udf("r", model=str(mlp), inputs=["ARRAY<FLOAT>"],
                                result="ROW<score DOUBLE, model_version STRING>",
                                output="probability", device="cuda"))
    fn.open(None)
    got = fn.eval(pd.Series(list(x)))
    assert got["model_version"].tolist() == ["gpu-1"] * 8
    assert rel_err(got["score"].to_numpy(), cpu_reference(mlp, x)) < 1e-3
