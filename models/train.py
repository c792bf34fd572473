"""Train the shipped models on generated data and export them as ONNX.

Run ``python -m models.train --out models/`` to rebuild ``ctr.onnx`` and
``reply.onnx`` with their ``*.metrics.json``; the same seed and sizes give
byte-identical files. ``--only big --hidden 1024,1024,512 --inputs 64``
writes the large benchmark MLP (``ctr_big.onnx``); ``--check`` rebuilds in
a temporary folder and fails if a committed file differs.

Models (input ``features`` float32 [batch, n], output ``probability``
float32 [batch, 1]):

- ``ctr`` (version ``ctr-v3``): the 16 CTR features -> click probability,
  MLP 16-64-32-1.
- ``reply`` (version ``reply-v3``): the 8 reply features -> probability that
  the user sends the suggested reply as is; MLP 8-32-16-1. A low score on
  an accepted reply, or a high one on a reply typed over, marks a record the
  curation stage can send for review.
- ``big``: MLP inputs-hidden...-1 for GPU throughput benchmarks. With 16
  inputs it reads the CTR features and is trained briefly (``--big-steps``
  minibatches, 0 for none); with any other input count its weights are the
  seeded initialisation only and its scores mean nothing.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
from sklearn.metrics import log_loss, roc_auc_score

from models.export import INPUT, OUTPUT, check_matches, save, to_onnx
from models.features import CTR_FEATURES, REPLY_FEATURES, Split, ctr_split, reply_split
from models.mlp import MLP, init_mlp, train_mlp

DEFAULT_ROWS = 300_000
DEFAULT_SEED = 0
#: Held-out rows checked for onnxruntime == numpy.
CHECK_ROWS = 2_000


@dataclass(frozen=True)
class ModelSpec:
    """What to train: name, version, layer sizes, epochs, data and feature names."""

    name: str
    version: str
    hidden: tuple[int, ...]
    epochs: int
    split: Callable[[int, int], Split]
    features: tuple[str, ...]
    doc: str


SPECS: dict[str, ModelSpec] = {
    "ctr": ModelSpec("ctr", "ctr-v3", (64, 32), 8, ctr_split, tuple(f.name for f in CTR_FEATURES),
                     "click probability of an ad impression (user x ad x context)"),
    "reply": ModelSpec("reply", "reply-v3", (32, 16), 6, reply_split, tuple(f.name for f in REPLY_FEATURES),
                       "probability that a suggested reply is sent as is"),
}


def evaluate(model: MLP, split: Split) -> dict:
    """Held-out AUC and log loss, against the base rate and the hidden true model."""
    p = model.predict(split.x_test)[:, 0].astype(np.float64)
    y = split.y_test
    base = float(y.mean())
    return {
        "auc": round(float(roc_auc_score(y, p)), 6),
        "log_loss": round(float(log_loss(y, p, labels=[0, 1])), 6),
        "base_rate": round(base, 6),
        "base_rate_log_loss": round(float(log_loss(y, np.full_like(y, base), labels=[0, 1])), 6),
        "oracle_auc": round(float(roc_auc_score(y, split.oracle)), 6),
        "mean_predicted": round(float(p.mean()), 6),
        "rows_train": int(len(split.y_train)),
        "rows_test": int(len(split.y_test)),
        "positives_test": int(y.sum()),
    }


def build(spec: ModelSpec, out: Path, rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED,
          epochs: int | None = None) -> dict:
    """Train, export, check against onnxruntime, and write ``<name>.onnx`` and ``<name>.metrics.json``."""
    split = spec.split(rows, seed)
    model = train_mlp(split.x_train, split.y_train, spec.hidden, seed, epochs=epochs or spec.epochs)
    metrics = evaluate(model, split)
    meta = {"features": ",".join(spec.features), "trained_on": f"sqlflow.gen seed={seed} rows={rows}",
            "description": spec.doc}
    return _write(model, spec.name, spec.version, out, split.x_test[:CHECK_ROWS], metrics,
                  {"seed": seed, "rows": rows, "epochs": epochs or spec.epochs, "features": list(spec.features),
                   "train_loss": [round(v, 6) for v in model.history]}, meta)


def build_big(out: Path, hidden: tuple[int, ...], inputs: int = 16, steps: int = 200, rows: int = 100_000,
              seed: int = DEFAULT_SEED, name: str = "ctr_big") -> dict:
    """The benchmark MLP: briefly trained on the CTR features (16 inputs), else seeded init only."""
    version = f"{name}-{'x'.join(map(str, (inputs, *hidden)))}"
    if inputs == len(CTR_FEATURES) and steps > 0:
        split = ctr_split(rows, seed)
        model = train_mlp(split.x_train, split.y_train, hidden, seed, epochs=1000, batch=256, lr=1e-3,
                          max_steps=steps)
        metrics = evaluate(model, split)
        x_check = split.x_test[:CHECK_ROWS]
        weights = f"seeded init, then {steps} Adam steps of 256 rows on the CTR features"
    else:
        model = init_mlp((inputs, *hidden, 1), seed)
        metrics = {}
        x_check = np.random.default_rng([seed, 9]).normal(size=(256, inputs)).astype(np.float32)
        weights = "seeded He initialisation only (not trained): scores mean nothing"
    return _write(model, name, version, out, x_check, metrics,
                  {"seed": seed, "weights": weights, "parameters": int(sum(w.size + b.size for w, b in
                                                                           zip(model.weights, model.biases)))},
                  {"description": f"benchmark MLP; {weights}"})


def _write(model: MLP, name: str, version: str, out: Path, x_check: np.ndarray, metrics: dict, extra: dict,
           meta: dict[str, str]) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.onnx"
    sha = save(to_onnx(model, name, version, meta), path)
    diff = check_matches(model, path, x_check)
    report = {
        "model": name, "version": version, "layers": list(model.layers),
        "input": {"name": INPUT, "type": "float32", "shape": ["batch", model.layers[0]]},
        "output": {"name": OUTPUT, "type": "float32", "shape": ["batch", 1]},
        **metrics, **extra,
        "onnx_vs_numpy_max_abs_diff": float(f"{diff:.3g}"), "onnx_sha256": sha,
    }
    (out / f"{name}.metrics.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def _parse_hidden(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(s) for s in text.split(",") if s.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"--hidden wants sizes like 1024,1024,512, got {text!r}") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"--hidden wants positive sizes, got {text!r}")
    return sizes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m models.train", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).parent, help="folder for .onnx and .metrics.json")
    ap.add_argument("--only", default="ctr,reply", help="comma list of ctr, reply, big (default: ctr,reply)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="impressions of training data")
    ap.add_argument("--hidden", type=_parse_hidden, default=(1024, 1024, 512), help="big model's hidden sizes")
    ap.add_argument("--inputs", type=int, default=16, help="big model's input count (16 or 64, say)")
    ap.add_argument("--big-steps", type=int, default=200, help="training steps of the big model (16 inputs)")
    ap.add_argument("--check", action="store_true", help="rebuild in a temp folder; fail if a file in --out differs")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in (*SPECS, "big")]
    if unknown:
        ap.error(f"unknown model {unknown[0]!r}; choose from ctr, reply, big")

    def run(out: Path) -> list[dict]:
        done = []
        for n in names:
            if n == "big":
                done.append(build_big(out, args.hidden, args.inputs, args.big_steps, seed=args.seed))
            else:
                done.append(build(SPECS[n], out, args.rows, args.seed))
        return done

    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            reports = run(Path(tmp))
            bad = [f"{r['model']}{ext}" for r in reports for ext in (".onnx", ".metrics.json")
                   if not filecmp.cmp(Path(tmp) / f"{r['model']}{ext}", args.out / f"{r['model']}{ext}", shallow=False)]
        if bad:
            print(f"differ from a fresh build: {', '.join(bad)}", file=sys.stderr)
            return 1
        print("committed models match a fresh build: " + ", ".join(r["model"] for r in reports))
        return 0
    for r in run(args.out):
        scores = f"AUC {r['auc']:.4f} (oracle {r['oracle_auc']:.4f}), log loss {r['log_loss']:.4f}" \
                 f" vs base {r['base_rate_log_loss']:.4f}" if "auc" in r else "untrained"
        print(f"{args.out / (r['model'] + '.onnx')}: {r['version']}, {scores}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
