from __future__ import annotations

import hashlib

import pytest

from sqlflow.errors import ModelError
from sqlflow.udf import ModelSignature, TensorSpec, model_signature, model_version


def test_signature_of_mlp(mlp16):
    assert model_signature(mlp16) == ModelSignature(
        path=str(mlp16),
        inputs=(TensorSpec("features", "float32", ("batch", 16)),),
        outputs=(TensorSpec("probability", "float32", ("batch", 1)),
                 TensorSpec("logits", "float32", ("batch", 2))),
        version="mlp-1")


def test_fixed_batch_and_hash_version(fixed4):
    sig = model_signature(fixed4)
    assert sig.inputs == (TensorSpec("features", "float32", (4, 3)),)
    assert sig.version == hashlib.sha256(fixed4.read_bytes()).hexdigest()[:12]
    assert model_version(fixed4) == sig.version


def test_missing_file(tmp_path):
    path = tmp_path / "nope.onnx"
    with pytest.raises(ModelError) as err:
        model_signature(path)
    assert err.value.rule == "model-not-found"
    assert err.value.location.file == str(path)
    assert err.value.render() == (f"{path}: error[model-not-found]: model file '{path}' does not "
                                  "exist\n  = help: train or export the model first, or fix the path")


def test_unloadable_file(tmp_path):
    path = tmp_path / "junk.onnx"
    path.write_bytes(b"\x00\xffnot a model at all" * 10)
    with pytest.raises(ModelError) as err:
        model_signature(path)
    assert err.value.rule == "model-unloadable"
    assert err.value.location.file == str(path)
    assert err.value.message.startswith(f"cannot load ONNX model '{path}': ")
