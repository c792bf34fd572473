"""The UDF runtime: declare ONNX-backed and plain UDFs, find them, read models.

``onnx_udf`` and ``udf`` declare functions in ``udfs/``; ``discover`` and
``model_signature`` are what the compiler calls.
"""

from __future__ import annotations

from sqlflow.udf.declare import onnx_function, onnx_udf, spec_of, udf, with_options
from sqlflow.udf.discover import discover
from sqlflow.udf.flink import configure, python_config
from sqlflow.udf.function import VERSION, OnnxFunction, OnnxUdfConfig
from sqlflow.udf.model import model_signature, model_version
from sqlflow.udf.spec import ModelSignature, TensorSpec, UdfSpec

__all__ = [
    "VERSION", "ModelSignature", "OnnxFunction", "OnnxUdfConfig", "TensorSpec", "UdfSpec",
    "configure", "discover", "model_signature", "model_version", "onnx_function", "onnx_udf",
    "python_config", "spec_of", "udf", "with_options",
]
