"""A small multilayer perceptron in numpy: ReLU hidden layers, a sigmoid output.

Training is plain minibatch Adam on the binary cross-entropy, in float64,
with every random draw from one seeded generator, so the same data and seed
give the same weights. Inputs are standardised inside the model (the mean
and scale travel with the weights into the ONNX graph), so callers pass raw
features.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits


@dataclass
class MLP:
    """Weights of ``inputs -> hidden... -> 1``: ``weights[k]`` is [fan_in, fan_out]."""

    mean: np.ndarray
    scale: np.ndarray
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    history: list[float] = field(default_factory=list)  # mean training loss per epoch

    @property
    def layers(self) -> tuple[int, ...]:
        return (self.weights[0].shape[0], *(w.shape[1] for w in self.weights))

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probabilities [n, 1] in float32, computed the way the ONNX graph computes them."""
        h = (np.asarray(x, dtype=np.float32) - self.mean.astype(np.float32)) / self.scale.astype(np.float32)
        last = len(self.weights) - 1
        for k, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = h @ w.astype(np.float32) + b.astype(np.float32)
            if k < last:
                h = np.maximum(h, np.float32(0.0))
        return (np.float32(1.0) / (np.float32(1.0) + np.exp(-h))).astype(np.float32)


def init_mlp(layers: tuple[int, ...], seed: int, mean: np.ndarray | None = None,
             scale: np.ndarray | None = None) -> MLP:
    """He-initialised weights from ``seed``; zero biases."""
    rng = np.random.default_rng([seed, 7])
    weights = [rng.normal(0.0, np.sqrt(2.0 / a), size=(a, b)) for a, b in zip(layers[:-1], layers[1:])]
    biases = [np.zeros(b) for b in layers[1:]]
    n = layers[0]
    return MLP(
        np.zeros(n) if mean is None else np.asarray(mean, dtype=np.float64),
        np.ones(n) if scale is None else np.asarray(scale, dtype=np.float64),
        weights, biases,
    )


def _forward(m: MLP, x: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    acts = [x]
    h = x
    last = len(m.weights) - 1
    for k, (w, b) in enumerate(zip(m.weights, m.biases)):
        h = h @ w + b
        if k < last:
            h = np.maximum(h, 0.0)
        acts.append(h)
    return acts, h[:, 0]


def train_mlp(
    x: np.ndarray,
    y: np.ndarray,
    hidden: tuple[int, ...],
    seed: int,
    epochs: int = 8,
    batch: int = 512,
    lr: float = 2e-3,
    weight_decay: float = 1e-5,
    max_steps: int | None = None,
) -> MLP:
    """Fit an MLP to binary labels ``y`` from raw features ``x`` (float32 or float64).

    BLAS runs single-threaded: the sums then happen in one fixed order, so the
    weights do not depend on the thread count (the same CPU kind and library
    build give byte-identical weights), and layers this small gain nothing
    from threads on a busy machine.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _fit(x, y, hidden, seed, epochs, batch, lr, weight_decay, max_steps)


def _fit(x: np.ndarray, y: np.ndarray, hidden: tuple[int, ...], seed: int, epochs: int, batch: int, lr: float,
         weight_decay: float, max_steps: int | None) -> MLP:
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale = np.where(scale > 1e-6, scale, 1.0)
    m = init_mlp((x.shape[1], *hidden, 1), seed, mean, scale)
    # start the output bias at the base rate's logit
    p = float(np.clip(y.mean(), 1e-4, 1 - 1e-4))
    m.biases[-1][:] = np.log(p / (1 - p))
    z = (x - mean) / scale
    params = [*m.weights, *m.biases]
    mom = [np.zeros_like(q) for q in params]
    vel = [np.zeros_like(q) for q in params]
    b1, b2, eps = 0.9, 0.999, 1e-8
    rng = np.random.default_rng([seed, 8])
    step = 0
    n_layers = len(m.weights)
    for _ in range(epochs):
        order = rng.permutation(len(z))
        losses = []
        for start in range(0, len(z), batch):
            idx = order[start:start + batch]
            xb, yb = z[idx], y[idx]
            acts, logit = _forward(m, xb)
            prob = 1.0 / (1.0 + np.exp(-logit))
            losses.append(float(np.mean(np.logaddexp(0.0, logit) - yb * logit)))
            g = ((prob - yb) / len(idx))[:, None]
            grads_w: list[np.ndarray] = [np.empty(0)] * n_layers
            grads_b: list[np.ndarray] = [np.empty(0)] * n_layers
            for k in range(n_layers - 1, -1, -1):
                grads_w[k] = acts[k].T @ g + weight_decay * m.weights[k]
                grads_b[k] = g.sum(axis=0)
                if k:
                    g = (g @ m.weights[k].T) * (acts[k] > 0)
            step += 1
            for q, gq, mq, vq in zip(params, [*grads_w, *grads_b], mom, vel):
                mq *= b1
                mq += (1 - b1) * gq
                vq *= b2
                vq += (1 - b2) * gq * gq
                q -= lr * (mq / (1 - b1 ** step)) / (np.sqrt(vq / (1 - b2 ** step)) + eps)
            if max_steps is not None and step >= max_steps:
                break
        m.history.append(float(np.mean(losses)))
        if max_steps is not None and step >= max_steps:
            break
    return m
