"""Small seeded ONNX models (linear, MLP) for tests, examples and benchmarks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _save(graph, path: Path, version: str | None) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    if version is not None:
        helper.set_model_props(model, {"version": version})
    onnx.checker.check_model(model)
    Path(path).write_bytes(model.SerializeToString())
    return Path(path)


def build_linear(path: Path, n_features: int, seed: int, version: str | None = None,
                 batch: int | str = "batch") -> Path:
    """sigmoid(x @ w + b): input "features" [batch, n], output "probability" [batch, 1]."""
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(n_features, 1)).astype(np.float32)
    b = np.array([0.1], dtype=np.float32)
    nodes = [helper.make_node("MatMul", ["features", "w"], ["z0"]),
             helper.make_node("Add", ["z0", "b"], ["z"]),
             helper.make_node("Sigmoid", ["z"], ["probability"])]
    graph = helper.make_graph(
        nodes, "linear",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, [batch, n_features])],
        [helper.make_tensor_value_info("probability", TensorProto.FLOAT, [batch, 1])],
        initializer=[numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    return _save(graph, path, version)


def build_mlp(path: Path, sizes: list[int], seed: int, version: str | None = None,
              extra_logits: bool = False) -> Path:
    """A ReLU MLP with seeded random weights ending in a sigmoid "probability".

    With ``extra_logits`` it also outputs "logits" [batch, 2] = (z, -z).
    """
    rng = np.random.default_rng(seed)
    inits, nodes, x = [], [], "features"
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        w = (rng.normal(size=(a, b)) * np.sqrt(2.0 / a)).astype(np.float32)
        bias = (rng.normal(size=(b,)) * 0.01).astype(np.float32)
        inits += [numpy_helper.from_array(w, f"w{i}"), numpy_helper.from_array(bias, f"b{i}")]
        nodes += [helper.make_node("MatMul", [x, f"w{i}"], [f"m{i}"]),
                  helper.make_node("Add", [f"m{i}", f"b{i}"], [f"a{i}"])]
        x = f"a{i}"
        if i < len(sizes) - 2:
            nodes.append(helper.make_node("Relu", [x], [f"r{i}"]))
            x = f"r{i}"
    nodes.append(helper.make_node("Sigmoid", [x], ["probability"]))
    outputs = [helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["batch", sizes[-1]])]
    if extra_logits:
        nodes += [helper.make_node("Neg", [x], ["neg"]),
                  helper.make_node("Concat", [x, "neg"], ["logits"], axis=1)]
        outputs.append(helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 2]))
    graph = helper.make_graph(
        nodes, "mlp",
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["batch", sizes[0]])],
        outputs, initializer=inits)
    return _save(graph, path, version)
