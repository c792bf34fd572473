"""Training data for the shipped models, built from the generator's true events.

The features themselves, with the Flink SQL that computes each one, are
defined in :mod:`sqlflow.gen.features` (re-exported here) so that pipelines
and training agree. Training reads the true events, i.e. what a curation
pipeline delivers after dropping broken and duplicate records. The held-out
part is the last ``test_share`` of the data in event time, as a model trained
on the past and judged on the future would be.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sqlflow.gen import GenConfig, true_events
from sqlflow.gen.features import CTR_FEATURES, REPLY_FEATURES, ctr_features, reply_features

__all__ = ["CTR_FEATURES", "REPLY_FEATURES", "Split", "ctr_features", "reply_features", "training_config",
           "ctr_split", "reply_split"]

#: Impressions per second in training data: 300k impressions span about 28 hours.
TRAINING_RATE = 3.0


@dataclass(frozen=True)
class Split:
    """Features and labels, train and held-out; ``oracle`` is the true probability on held-out rows."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    oracle: np.ndarray


def training_config(rows: int, seed: int) -> GenConfig:
    """The generator run a model is trained on (clean delivery; only the true events are read)."""
    return GenConfig(rows=rows, seed=seed, rate=TRAINING_RATE, broken_share=0.0, duplicate_share=0.0,
                     late_share=0.0)


def _split(x: np.ndarray, y: np.ndarray, prob: np.ndarray, t: np.ndarray, test_share: float) -> Split:
    order = np.argsort(t, kind="stable")
    cut = int(round(len(order) * (1.0 - test_share)))
    tr, te = order[:cut], order[cut:]
    return Split(x[tr], y[tr].astype(np.float64), x[te], y[te].astype(np.float64), prob[te])


def ctr_split(rows: int, seed: int, test_share: float = 0.2) -> Split:
    """CTR features of every impression, label = clicked."""
    users, ads, ev = true_events(training_config(rows, seed))
    imp = ev["impression"]
    x = ctr_features(imp, users, ads)
    return _split(x, imp["clicked"].to_numpy(), imp["true_prob"].to_numpy(), imp["event_time"].to_numpy(), test_share)


def reply_split(rows: int, seed: int, test_share: float = 0.2) -> Split:
    """Reply features of every suggestion, label = accepted as is."""
    users, _, ev = true_events(training_config(rows, seed))
    sug = ev["suggestion"]
    x = reply_features(sug, users)
    return _split(x, sug["accepted"].to_numpy(), sug["true_prob"].to_numpy(), sug["event_time"].to_numpy(), test_share)
