"""Training, export and the onnxruntime == numpy check, on small fast runs."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx
import pytest

from models.export import check_matches, onnx_predict, to_onnx, save
from models.features import ctr_split
from models.mlp import init_mlp, train_mlp
from models.train import SPECS, build, build_big, main


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    ra = build(SPECS["ctr"], a, rows=12_000, seed=3, epochs=1)
    rb = build(SPECS["ctr"], b, rows=12_000, seed=3, epochs=1)
    assert (a / "ctr.onnx").read_bytes() == (b / "ctr.onnx").read_bytes()
    assert (a / "ctr.metrics.json").read_text() == (b / "ctr.metrics.json").read_text()
    assert ra == rb
    rc = build(SPECS["ctr"], tmp_path / "c", rows=12_000, seed=4, epochs=1)
    assert rc["onnx_sha256"] != ra["onnx_sha256"]


def test_build_writes_model_and_metrics(tmp_path: Path) -> None:
    r = build(SPECS["reply"], tmp_path, rows=8_000, seed=1, epochs=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reply.metrics.json", "reply.onnx"]
    assert json.loads((tmp_path / "reply.metrics.json").read_text()) == r
    assert (r["rows_train"], r["rows_test"]) == (3_200, 800)
    assert r["layers"] == [8, 32, 16, 1] and r["epochs"] == 2 and len(r["train_loss"]) == 2
    props = {p.key: p.value for p in onnx.load(str(tmp_path / "reply.onnx")).metadata_props}
    assert props["version"] == "reply-v3" and props["model"] == "reply"
    assert props["trained_on"] == "sqlflow.gen seed=1 rows=8000"


def test_training_learns_the_signal() -> None:
    split = ctr_split(30_000, seed=8)
    m = train_mlp(split.x_train, split.y_train, (64, 32), seed=0, epochs=3)
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(split.y_test, m.predict(split.x_test)[:, 0]) > 0.65
    assert m.history[-1] < m.history[0]


def test_onnx_equals_numpy_on_held_out_rows(tmp_path: Path) -> None:
    split = ctr_split(10_000, seed=2)
    m = train_mlp(split.x_train, split.y_train, (64, 32), seed=0, epochs=1)
    path = tmp_path / "m.onnx"
    save(to_onnx(m, "m", "m-v1"), path)
    assert check_matches(m, path, split.x_test) <= 1e-5
    np.testing.assert_allclose(onnx_predict(path, split.x_test), m.predict(split.x_test), atol=1e-5, rtol=0)


def test_check_fails_when_weights_differ(tmp_path: Path) -> None:
    m = init_mlp((16, 8, 1), seed=0)
    path = tmp_path / "m.onnx"
    save(to_onnx(m, "m", "m-v1"), path)
    other = replace(m, weights=[m.weights[0] + 0.5, m.weights[1]])
    x = np.random.default_rng(0).normal(size=(32, 16)).astype(np.float32)
    with pytest.raises(AssertionError, match="onnxruntime differs from numpy"):
        check_matches(other, path, x)


def test_big_model_from_seeded_init(tmp_path: Path) -> None:
    r = build_big(tmp_path, hidden=(128, 64), inputs=64, steps=0, seed=5)
    assert r["version"] == "ctr_big-64x128x64" and r["layers"] == [64, 128, 64, 1]
    assert r["weights"] == "seeded He initialisation only (not trained): scores mean nothing"
    assert r["parameters"] == 64 * 128 + 128 + 128 * 64 + 64 + 64 + 1
    assert "auc" not in r
    again = build_big(tmp_path / "again", hidden=(128, 64), inputs=64, steps=0, seed=5)
    assert (tmp_path / "ctr_big.onnx").read_bytes() == (tmp_path / "again" / "ctr_big.onnx").read_bytes()
    assert again == r


def test_big_model_trained_briefly_on_ctr_features(tmp_path: Path) -> None:
    r = build_big(tmp_path, hidden=(64, 64, 32), inputs=16, steps=30, rows=6_000, seed=1)
    assert r["weights"] == "seeded init, then 30 Adam steps of 256 rows on the CTR features"
    assert r["rows_train"] == 4_800 and 0.0 < r["auc"] <= 1.0


def test_cli_rejects_unknown_model(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as ex:
        main(["--only", "ctr,nope"])
    assert ex.value.code == 2
    assert "unknown model 'nope'; choose from ctr, reply, big" in capsys.readouterr().err


def test_cli_builds_big(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--out", str(tmp_path), "--only", "big", "--hidden", "32,16", "--inputs", "64"]) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'ctr_big.onnx'}: ctr_big-64x32x16, untrained\n"
