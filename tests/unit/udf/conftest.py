"""Small ONNX models built with the onnx helper API, and their reference outputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sqlflow.udf.testmodels import build_linear, build_mlp


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def linear16(model_dir) -> Path:
    """features float32 [batch, 16] -> probability float32 [batch, 1]; metadata version v7."""
    path = model_dir / "linear16.onnx"
    build_linear(path, n_features=16, seed=1, version="v7")
    return path


@pytest.fixture(scope="session")
def fixed4(model_dir) -> Path:
    """Batch axis fixed at 4: features float32 [4, 3] -> probability [4, 1]; no version."""
    path = model_dir / "fixed4.onnx"
    build_linear(path, n_features=3, seed=2, batch=4)
    return path


@pytest.fixture(scope="session")
def mlp16(model_dir) -> Path:
    """16-64-32-1 MLP with two outputs: probability [batch, 1] and logits [batch, 2]."""
    path = model_dir / "mlp16.onnx"
    build_mlp(path, [16, 64, 32, 1], seed=3, version="mlp-1", extra_logits=True)
    return path


@pytest.fixture()
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)
