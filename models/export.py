"""Writing an :class:`~models.mlp.MLP` as ONNX with the onnx helper API.

The graph is ``features`` float32 [batch, n] -> (x - mean) / scale -> Gemm,
Relu ... -> Gemm -> Sigmoid -> ``probability`` float32 [batch, 1]. The model
version and the feature names go into ``metadata_props``. The same weights
always serialise to the same bytes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from models.mlp import MLP

INPUT = "features"
OUTPUT = "probability"
OPSET = 17
IR_VERSION = 8


def to_onnx(model: MLP, name: str, version: str, metadata: dict[str, str] | None = None) -> onnx.ModelProto:
    """The ONNX model of ``model``; ``metadata`` adds string metadata_props."""
    n_in = model.layers[0]
    inits = [
        numpy_helper.from_array(model.mean.astype(np.float32), "input_mean"),
        numpy_helper.from_array(model.scale.astype(np.float32), "input_scale"),
    ]
    nodes = [
        helper.make_node("Sub", [INPUT, "input_mean"], ["centered"], name="center"),
        helper.make_node("Div", ["centered", "input_scale"], ["h0"], name="standardize"),
    ]
    last = len(model.weights) - 1
    h = "h0"
    for k, (w, b) in enumerate(zip(model.weights, model.biases)):
        inits.append(numpy_helper.from_array(w.astype(np.float32), f"dense{k}_weight"))
        inits.append(numpy_helper.from_array(b.astype(np.float32), f"dense{k}_bias"))
        out = f"dense{k}" if k < last else "logit"
        nodes.append(helper.make_node("Gemm", [h, f"dense{k}_weight", f"dense{k}_bias"], [out], name=f"dense{k}"))
        if k < last:
            nodes.append(helper.make_node("Relu", [out], [f"h{k + 1}"], name=f"relu{k}"))
            h = f"h{k + 1}"
    nodes.append(helper.make_node("Sigmoid", ["logit"], [OUTPUT], name="sigmoid"))
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["batch", n_in])],
        [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["batch", 1])],
        initializer=inits,
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="sqlflow-models", producer_version="1")
    proto.ir_version = IR_VERSION
    proto.doc_string = f"{name}: MLP {'-'.join(map(str, model.layers))}, sigmoid output"
    helper.set_model_props(proto, {"version": version, "model": name, **(metadata or {})})
    onnx.checker.check_model(proto)
    return proto


def save(proto: onnx.ModelProto, path: str | Path) -> str:
    """Write the model; return the sha256 of its bytes."""
    data = proto.SerializeToString(deterministic=True)
    Path(path).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def onnx_predict(path: str | Path, x: np.ndarray) -> np.ndarray:
    """Run the file in onnxruntime on the CPU (what the equality checks compare against)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    return sess.run([OUTPUT], {INPUT: np.ascontiguousarray(x, dtype=np.float32)})[0]


def check_matches(model: MLP, path: str | Path, x: np.ndarray, atol: float = 1e-5) -> float:
    """Largest |onnxruntime - numpy| on ``x``; raises if above ``atol``."""
    got = onnx_predict(path, x)
    want = model.predict(x)
    diff = float(np.max(np.abs(got - want))) if len(x) else 0.0
    if got.shape != want.shape or diff > atol:
        raise AssertionError(f"{path}: onnxruntime differs from numpy by {diff:g} (shape {got.shape} vs {want.shape})")
    return diff
