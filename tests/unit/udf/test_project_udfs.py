"""The project's own udfs/ folder: every UDF discovers, and each model UDF fits its model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pandas as pd
import pytest

from sqlflow.udf import discover, model_signature, onnx_function

ROOT = Path(__file__).resolve().parents[3]


def project_specs():
    return discover(ROOT / "udfs")


def test_every_project_udf_discovers_with_a_location():
    specs = project_specs()
    assert specs, "udfs/ declares no UDF"
    for spec in specs:
        assert spec.module.startswith("udfs.") and spec.file and spec.line > 0
        assert spec.func_type in ("pandas", "general")


@pytest.mark.parametrize("name", [s.name for s in project_specs() if s.model])
def test_model_udf_scores_like_onnxruntime(name):
    spec = next(s for s in project_specs() if s.name == name)
    path = ROOT / spec.model
    if not path.exists():
        pytest.skip(f"{spec.model} is not trained yet")
    sig = model_signature(path)
    width = sig.inputs[0].shape[-1]
    assert len(spec.arg_types) in (1, width)  # one ARRAY column or one column per feature
    import importlib

    fn = onnx_function(getattr(importlib.import_module(spec.module), spec.attr))
    fn.open(None)
    x = np.random.default_rng(3).uniform(0, 1, size=(64, width))
    cols = [pd.Series(list(x.astype(np.float32)))] if len(spec.arg_types) == 1 \
        else [pd.Series(x[:, j]) for j in range(width)]
    got = fn.eval(*cols)
    if isinstance(got, pd.DataFrame):  # a ROW result: the score and the model version
        assert got["model_version"].tolist() == [sig.version] * 64
        got = got[got.columns[0]]
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = spec.options.get("output") or sig.outputs[0].name
    ref = sess.run([out], {sig.inputs[0].name: x.astype(np.float32)})[0][:, 0]
    np.testing.assert_array_equal(got.to_numpy(), ref.astype(got.dtype))
    assert fn.version == sig.version and fn.stats.bad_rows == {}
