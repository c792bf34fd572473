"""Provider choice on a machine without a usable GPU, and which GPU a worker takes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sqlflow.udf import provider
from sqlflow.udf.provider import Placement, assigned_gpu, choose

needs_no_gpu = pytest.mark.skipif(provider.cuda_device_count() > 0,
                                  reason="this machine has a CUDA GPU (see tests/gpu/)")


@needs_no_gpu
def test_auto_picks_cpu_quietly():
    """In a fresh process, so the probe really runs: CPU, and nothing on stderr."""
    code = ("import logging; logging.basicConfig(level=logging.WARNING)\n"
            "from sqlflow.udf.provider import choose\n"
            "p = choose('auto', 0)\n"
            "print(p.provider, p.device_id, p.reason, sep='|')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "CPUExecutionProvider|0|no CUDA device (no driver or no GPU)\n"
    assert done.stderr == ""


@needs_no_gpu
def test_cuda_required_but_missing_raises():
    with pytest.raises(RuntimeError, match="device='cuda' requested but no CUDA device"):
        choose("cuda", 0)


def test_cpu_requested():
    assert choose("cpu") == Placement("CPUExecutionProvider", 0, "device='cpu' requested")
    with pytest.raises(ValueError, match="device must be"):
        choose("tpu")


def test_hidden_gpus_are_reported(monkeypatch):
    monkeypatch.setattr(provider, "_probed", {})
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert provider.cuda_unusable_reason(0) == "CUDA_VISIBLE_DEVICES hides every GPU"


class _Info:
    def __init__(self, index):
        self._index = index

    def get_property(self, key):
        return {"index": self._index}.get(key)


class _Context:
    """The shape of PyFlink's FunctionContext, with the external-resource call newer
    PyFlink versions offer (2.2's FunctionContext lacks it)."""

    def __init__(self, gpus=(), params=None):
        self.gpus, self.params = list(gpus), params or {}

    def get_external_resource_info(self, name):
        assert name == "gpu"
        return [_Info(i) for i in self.gpus]

    def get_job_parameter(self, key, default):
        return self.params.get(key, default)


def test_assigned_gpu_order(monkeypatch):
    from pyflink.table.udf import FunctionContext

    monkeypatch.delenv("SQLFLOW_UDF_GPU", raising=False)
    assert assigned_gpu(None) == 0
    assert assigned_gpu(FunctionContext(None, {})) == 0
    assert assigned_gpu(FunctionContext(None, {"sqlflow.udf.gpu": "3"})) == 3
    monkeypatch.setenv("SQLFLOW_UDF_GPU", "2")
    assert assigned_gpu(FunctionContext(None, {})) == 2
    assert assigned_gpu(_Context(gpus=["1"], params={"sqlflow.udf.gpu": "3"})) == 1
    assert assigned_gpu(_Context(gpus=["1"]), explicit=5) == 5
