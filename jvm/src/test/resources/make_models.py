"""Writes the small ONNX models and the Python reference scores the JUnit tests use.

Run from the repository root after changing a model:

    PYTHONPATH=. python jvm/src/test/resources/make_models.py

``<model>_reference.csv`` holds seeded feature rows and what Python onnxruntime scores them,
so the Java runtime is checked against the Python one on the same rows.
"""

from pathlib import Path

import numpy as np
import onnxruntime as ort

from sqlflow.udf.testmodels import build_linear, build_mlp

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]

build_mlp(HERE / "two.onnx", [3, 4, 1], seed=5, version="two-v1", extra_logits=True)
build_linear(HERE / "fixed1.onnx", 3, seed=3, version=None, batch=1)

for name, width in (("ctr", 16), ("reply", 8)):
    x = np.random.default_rng(7).normal(size=(200, width))  # float64, as DOUBLE columns
    sess = ort.InferenceSession(str(ROOT / "models" / f"{name}.onnx"),
                                providers=["CPUExecutionProvider"])
    p = sess.run(["probability"], {"features": x.astype(np.float32)})[0][:, 0]
    lines = [",".join(repr(float(v)) for v in row) + "," + repr(float(s)) for row, s in zip(x, p)]
    (HERE / f"{name}_reference.csv").write_text("\n".join(lines) + "\n")
