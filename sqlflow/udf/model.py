"""Read an ONNX file's signature and version without running it.

The compiler checks SQL call sites against :func:`model_signature`; the
runtime stamps :func:`model_version` on every scored row.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from sqlflow.errors import Location, ModelError
from sqlflow.udf.spec import ModelSignature, TensorSpec


def model_signature(path: str | Path) -> ModelSignature:
    """Inputs, outputs (names, numpy element types, shapes) and version of an ONNX file.

    Raises :class:`~sqlflow.errors.ModelError` (located at the file) when the
    file is missing or is not a loadable ONNX model.
    """
    import onnx

    path = Path(path)
    data = _read(path)
    try:
        model = onnx.load_from_string(data)
        graph = model.graph
        initializers = {i.name for i in graph.initializer}
        inputs = tuple(_tensor_spec(v) for v in graph.input if v.name not in initializers)
        outputs = tuple(_tensor_spec(v) for v in graph.output)
    except Exception as exc:  # protobuf DecodeError and friends
        raise ModelError(
            f"cannot load ONNX model {str(path)!r}: {type(exc).__name__}: {exc}".rstrip(": "),
            location=Location(str(path)),
            rule="model-unloadable",
        ) from None
    if not outputs:
        raise ModelError(f"ONNX model {str(path)!r} has no outputs",
                         location=Location(str(path)), rule="model-unloadable")
    return ModelSignature(path=str(path), inputs=inputs, outputs=outputs,
                          version=_version(model, data))


def model_version(path: str | Path) -> str:
    """The model's version: ONNX metadata ``version``, else a short hash of the file."""
    return model_signature(path).version or ""


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ModelError(f"model file {str(path)!r} does not exist",
                         location=Location(str(path)), rule="model-not-found",
                         hint="train or export the model first, or fix the path") from None
    except OSError as exc:
        raise ModelError(f"cannot read model file {str(path)!r}: {exc.strerror}",
                         location=Location(str(path)), rule="model-not-found") from None


def _version(model, data: bytes) -> str:
    for prop in model.metadata_props:
        if prop.key == "version" and prop.value:
            return prop.value
    return hashlib.sha256(data).hexdigest()[:12]


def _tensor_spec(value_info) -> TensorSpec:
    import onnx

    ttype = value_info.type.tensor_type
    try:
        elem = np.dtype(onnx.helper.tensor_dtype_to_np_dtype(ttype.elem_type)).name
    except Exception:
        elem = onnx.TensorProto.DataType.Name(ttype.elem_type).lower()
    shape: list[int | str | None] = []
    if ttype.HasField("shape"):
        for dim in ttype.shape.dim:
            if dim.HasField("dim_value"):
                shape.append(int(dim.dim_value))
            elif dim.HasField("dim_param"):
                shape.append(dim.dim_param)
            else:
                shape.append(None)
    return TensorSpec(name=value_info.name, elem_type=elem, shape=tuple(shape))
