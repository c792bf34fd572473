"""Convert a float32 ONNX model to compute in float16, keeping float32 inputs and outputs.

For GPU inference: half the memory traffic and the tensor cores, while the
UDF keeps feeding and reading float32. Covers the graphs this project ships
(MLPs and other dense graphs: float initializers, Constant and Cast nodes);
a graph with subgraphs is refused rather than half converted.
"""

from __future__ import annotations

import numpy as np


def to_fp16(model_bytes: bytes) -> bytes:
    """The model with float32 weights and arithmetic in float16, I/O still float32."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load_from_string(model_bytes)
    graph = model.graph
    for node in graph.node:
        if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
               for a in node.attribute):
            raise ValueError(f"fp16: node {node.name or node.op_type} has a subgraph; "
                             "convert this model offline")
    F32, F16 = TensorProto.FLOAT, TensorProto.FLOAT16

    for i, init in enumerate(graph.initializer):
        if init.data_type == F32:
            arr = numpy_helper.to_array(init).astype(np.float16)
            graph.initializer[i].CopyFrom(numpy_helper.from_array(arr, init.name))
    for node in graph.node:
        for attr in node.attribute:
            if node.op_type == "Constant" and attr.type == onnx.AttributeProto.TENSOR \
                    and attr.t.data_type == F32:
                arr = numpy_helper.to_array(attr.t).astype(np.float16)
                attr.t.CopyFrom(numpy_helper.from_array(arr, attr.t.name))
            if node.op_type == "Cast" and attr.name == "to" and attr.i == F32:
                attr.i = F16
    for vi in graph.value_info:
        if vi.type.tensor_type.elem_type == F32:
            vi.type.tensor_type.elem_type = F16

    new_nodes = []
    for inp in graph.input:
        if inp.type.tensor_type.elem_type != F32:
            continue
        half = inp.name + "__fp16"
        for node in graph.node:
            node.input[:] = [half if x == inp.name else x for x in node.input]
        new_nodes.append(helper.make_node("Cast", [inp.name], [half], to=F16,
                                          name=inp.name + "__to_fp16"))
    tail = []
    for out in graph.output:
        if out.type.tensor_type.elem_type != F32:
            continue
        half = out.name + "__fp16"
        for node in graph.node:
            node.output[:] = [half if x == out.name else x for x in node.output]
            node.input[:] = [half if x == out.name else x for x in node.input]
        tail.append(helper.make_node("Cast", [half], [out.name], to=F32,
                                     name=out.name + "__to_fp32"))
    nodes = new_nodes + list(graph.node) + tail
    del graph.node[:]
    graph.node.extend(nodes)
    return model.SerializeToString()
