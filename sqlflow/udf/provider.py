"""Choose the onnxruntime execution provider: CUDA only where a GPU really works.

onnxruntime-gpu lists the CUDA provider even on machines with no GPU (it is
compiled in), and a session asked for it there logs errors and falls back.
So the check is: the provider is listed, the CUDA driver reports a device,
and a tiny test session on it really runs on CUDA; the test runs with
onnxruntime's log severity raised, so machines without a GPU stay quiet.
"""

from __future__ import annotations

import ctypes
import logging
import os
from dataclasses import dataclass

log = logging.getLogger("sqlflow.udf")

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"

#: onnxruntime log severities: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal.
QUIET = 4
DEFAULT_SEVERITY = 3

_probed: dict[int, str | None] = {}  # device id -> None if usable, else why not
_logged: set[tuple[str, int]] = set()


@dataclass(frozen=True)
class Placement:
    """Where a session runs: the provider, the CUDA device, and why."""

    provider: str
    device_id: int = 0
    reason: str = ""

    @property
    def on_gpu(self) -> bool:
        return self.provider == CUDA


def cuda_device_count() -> int:
    """GPUs the CUDA driver reports (0 when there is no driver); no log output."""
    for name in ("libcuda.so.1", "libcuda.so"):
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        return 0
    count = ctypes.c_int(0)
    if lib.cuInit(0) != 0 or lib.cuDeviceGetCount(ctypes.byref(count)) != 0:
        return 0
    return int(count.value)


def cuda_unusable_reason(device_id: int = 0) -> str | None:
    """None when the CUDA provider runs on ``device_id``; else a short reason. Cached."""
    if device_id in _probed:
        return _probed[device_id]
    reason = _probe(device_id)
    _probed[device_id] = reason
    return reason


def _probe(device_id: int) -> str | None:
    import onnxruntime as ort

    if CUDA not in ort.get_available_providers():
        return "onnxruntime has no CUDA execution provider (install onnxruntime-gpu)"
    if os.environ.get("CUDA_VISIBLE_DEVICES", None) in ("", "-1"):
        return "CUDA_VISIBLE_DEVICES hides every GPU"
    count = cuda_device_count()
    if count == 0:
        return "no CUDA device (no driver or no GPU)"
    if device_id >= count:
        return f"GPU {device_id} requested but only {count} visible"
    _preload_cuda_libraries(ort)
    ort.set_default_logger_severity(QUIET)
    try:
        opts = ort.SessionOptions()
        opts.log_severity_level = QUIET
        sess = ort.InferenceSession(_identity_model(), sess_options=opts,
                                    providers=[(CUDA, {"device_id": str(device_id)})])
        import numpy as np

        sess.run(None, {"x": np.zeros((1, 1), dtype=np.float32)})
        if CUDA not in sess.get_providers():
            return "the CUDA provider failed to load (CUDA or cuDNN libraries missing)"
    except Exception as exc:
        return f"a test session on CUDA failed: {type(exc).__name__}"
    finally:
        ort.set_default_logger_severity(DEFAULT_SEVERITY)
    return None


def _preload_cuda_libraries(ort) -> None:
    """Load CUDA and cuDNN from the nvidia-* wheels wherever they are installed."""
    import importlib.util

    preload = getattr(ort, "preload_dlls", None)
    if preload is None:
        return
    spec = importlib.util.find_spec("nvidia")
    roots = [os.path.dirname(p) for p in (spec.submodule_search_locations or [])] if spec else []
    for root in roots + [None]:
        try:
            preload(directory=root)
            return
        except Exception:
            continue


def _identity_model() -> bytes:
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "probe", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model.SerializeToString()


def choose(device: str = "auto", device_id: int = 0) -> Placement:
    """The placement for a session: ``device`` is "auto", "cuda" or "cpu".

    "auto" takes CUDA only when :func:`cuda_unusable_reason` says it works;
    "cuda" insists on it and raises RuntimeError otherwise.
    """
    if device not in ("auto", "cuda", "cpu"):
        raise ValueError(f"device must be 'auto', 'cuda' or 'cpu', not {device!r}")
    if device == "cpu":
        return Placement(CPU, 0, "device='cpu' requested")
    reason = cuda_unusable_reason(device_id)
    if reason is None:
        return Placement(CUDA, device_id, f"CUDA GPU {device_id} is usable")
    if device == "cuda":
        raise RuntimeError(f"device='cuda' requested but {reason}")
    return Placement(CPU, 0, reason)


def log_once(udf_name: str, placement: Placement) -> None:
    """Log, once per process and UDF, which provider (and GPU) it runs on."""
    key = (udf_name, placement.device_id if placement.on_gpu else -1)
    if key in _logged:
        return
    _logged.add(key)
    where = f"{placement.provider} (GPU {placement.device_id})" if placement.on_gpu \
        else placement.provider
    log.info("UDF %s runs on %s: %s", udf_name, where, placement.reason)


def assigned_gpu(function_context, explicit: int | None = None) -> int:
    """The GPU index this worker should use.

    In order: an explicit ``device_id``; the GPU Flink's external-resource-gpu
    plugin assigned to this TaskManager (``get_external_resource_info("gpu")``,
    where the PyFlink version offers it); the job parameter ``sqlflow.udf.gpu``;
    the environment variable ``SQLFLOW_UDF_GPU``; else 0.
    """
    if explicit is not None:
        return int(explicit)
    getter = getattr(function_context, "get_external_resource_info", None)
    if getter is not None:
        try:
            infos = list(getter("gpu") or [])
        except Exception:
            infos = []
        for info in infos:
            index = info.get_property("index")
            index = index.get() if hasattr(index, "get") else index  # Optional-like
            if index not in (None, ""):
                return int(index)
    getter = getattr(function_context, "get_job_parameter", None)
    if getter is not None:
        try:
            value = getter("sqlflow.udf.gpu", "")
        except Exception:
            value = ""
        if value not in (None, ""):
            return int(value)
    value = os.environ.get("SQLFLOW_UDF_GPU", "")
    return int(value) if value.strip() else 0
