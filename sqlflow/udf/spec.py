"""What the compiler needs to know about UDFs and models, without running them.

These are the contract between the UDF runtime (``sqlflow.udf``), which
fills them in, and the compiler (``sqlflow.compiler``), which checks SQL call
sites against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TensorSpec:
    """One input or output of an ONNX model.

    ``elem_type`` is numpy's name for the element type ("float32", "float64",
    "int64", ...); ``shape`` has ``None`` (or a symbolic name) for dynamic axes.
    """

    name: str
    elem_type: str
    shape: tuple[int | str | None, ...]


@dataclass(frozen=True)
class ModelSignature:
    """The inputs and outputs of an ONNX file, as onnxruntime reports them."""

    path: str
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    version: str | None = None  # the model version (metadata or file hash)


@dataclass(frozen=True)
class UdfSpec:
    """A UDF declared in ``udfs/``: its SQL name and signature.

    ``arg_types`` and ``result_type`` are Flink SQL type strings such as
    ``"DOUBLE"``, ``"ARRAY<FLOAT>"`` or ``"ROW<score DOUBLE, version STRING>"``.
    ``func_type`` is ``"pandas"`` for the vectorized form, ``"general"``
    for row-at-a-time.
    """

    name: str
    module: str  # importable module name, e.g. "udfs.scoring"
    attr: str  # attribute of the module that holds the function object
    arg_types: tuple[str, ...]
    result_type: str
    func_type: str = "pandas"
    file: str | None = None  # source file in the project
    line: int = 0
    model: str | None = None  # path of the ONNX model it runs, relative to the project
    doc: str | None = None
    options: dict = field(default_factory=dict, compare=False, hash=False)
