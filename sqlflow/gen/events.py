"""The true events of one chunk of time: impressions, clicks, suggestions, outcomes.

These are the canonical events (snake_case, epoch-millis times, as they
really happened), before delivery scrambles them into the raw sources.
Chunk ``k`` holds impressions ``k * CHUNK_ROWS`` onwards and the suggestions
of the same stretch of time; every random draw comes from a generator seeded
by ``(seed, k)``, so a chunk is the same whatever was generated before it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sqlflow.gen.config import GenConfig
from sqlflow.gen.features import ctr_feature_matrix, reply_feature_matrix
from sqlflow.gen.schema import CTR_VERSIONS, OUTCOMES, REPLY_VERSIONS
from sqlflow.gen.world import (
    World, make_replies, served_ctr_scores, served_reply_scores, sigmoid, true_accept_logit, true_click_logit,
)

#: Impressions per chunk: the unit of generation and of bounded memory.
CHUNK_ROWS = 50_000

#: A click follows its impression by this many milliseconds at most.
CLICK_DELAY_MS = (500, 55_000)
#: A reply outcome follows its suggestion by this many milliseconds at most.
OUTCOME_DELAY_MS = (1_000, 120_000)

_POSITION_P = np.array([0.32, 0.24, 0.18, 0.14, 0.12])


@dataclass(frozen=True)
class ChunkSpan:
    """Which impressions and suggestions one chunk holds, and its time window."""

    index: int
    imp_start: int
    imp_end: int
    sug_start: int
    sug_end: int
    t0: int  # first event-time millisecond of the chunk
    t1: int  # first millisecond of the next chunk


def chunk_spans(cfg: GenConfig) -> list[ChunkSpan]:
    """The chunks of a run, in order."""
    spans = []
    ms_per_imp = 1000.0 / cfg.rate
    for k, start in enumerate(range(0, cfg.rows, CHUNK_ROWS)):
        end = min(start + CHUNK_ROWS, cfg.rows)
        spans.append(ChunkSpan(
            k, start, end,
            int(cfg.suggestion_ratio * start), int(cfg.suggestion_ratio * end),
            cfg.start_ms + int(round(start * ms_per_imp)), cfg.start_ms + int(round(end * ms_per_imp)),
        ))
    return spans


def _event_times(rng: np.random.Generator, n: int, t0: int, t1: int) -> np.ndarray:
    return np.sort(rng.integers(t0, max(t1, t0 + 1), size=n)).astype(np.int64)


def make_chunk(cfg: GenConfig, world: World, span: ChunkSpan, first_click: int) -> dict[str, pd.DataFrame]:
    """The canonical events of one chunk, keyed by kind; click ids start at ``first_click``."""
    rng = np.random.default_rng([cfg.seed, 2, span.index])
    u, a = world.users, world.ads

    n = span.imp_end - span.imp_start
    ui = rng.integers(0, len(u["user_id"]), size=n)
    ad_w = a["quality"] * np.sqrt(a["bid"])
    ai = rng.choice(len(a["ad_id"]), size=n, p=ad_w / ad_w.sum())
    t = _event_times(rng, n, span.t0, span.t1)
    pos = rng.choice(5, size=n, p=_POSITION_P) + 1
    x = ctr_feature_matrix(
        u["interests"][ui], a["embedding"][ai], a["quality"][ai], a["bid"][ai], pos.astype(np.float64),
        t, u["is_mobile"][ui], u["age_index"][ui], u["signup_time"][ui],
    )
    logit = true_click_logit(x)
    prob = sigmoid(logit)
    clicked = rng.random(n) < prob
    version = u["ab_bucket"][ui]
    impressions = pd.DataFrame({
        "impression_id": [f"imp-{k:010d}" for k in range(span.imp_start, span.imp_end)],
        "user_id": u["user_id"][ui],
        "ad_id": a["ad_id"][ai],
        "event_time": t,
        "ad_position": pos.astype(np.int64),
        "price": np.round(np.maximum(a["bid"][ai] * 0.04 * rng.uniform(0.3, 1.0, size=n), 0.0001), 5),
        "model_score": served_ctr_scores(logit, version, rng),
        "model_version": np.array(CTR_VERSIONS, dtype=object)[version],
        "true_prob": prob,
        "clicked": clicked,
    })

    c = np.flatnonzero(clicked)
    lo, hi = CLICK_DELAY_MS
    clicks = pd.DataFrame({
        "click_id": [f"clk-{k:010d}" for k in range(first_click, first_click + len(c))],
        "impression_id": impressions["impression_id"].to_numpy()[c],
        "user_id": u["user_id"][ui[c]],
        "ad_id": a["ad_id"][ai[c]],
        "event_time": t[c] + np.minimum(lo + rng.exponential(8_000.0, size=len(c)).astype(np.int64), hi),
        "price": np.round(a["bid"][ai[c]] * rng.uniform(0.4, 1.0, size=len(c)), 2).clip(0.01),
    })

    suggestions, outcomes = _replies(cfg, world, span, rng)
    return {"impression": impressions, "click": clicks, "suggestion": suggestions, "outcome": outcomes}


def _replies(cfg: GenConfig, world: World, span: ChunkSpan, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    u = world.users
    m = span.sug_end - span.sug_start
    nums = np.arange(span.sug_start, span.sug_end, dtype=np.int64)
    conv = nums // 4
    ui = (conv * 2_654_435_761) % len(u["user_id"])
    t = _event_times(rng, m, span.t0, span.t1)
    r = make_replies(rng, m)
    x = reply_feature_matrix(r["relevance"], r["sentiment"], r["formality"], r["length_chars"], r["word_count"],
                             r["has_emoji"], r["is_question"], u["is_mobile"][ui])
    logit = true_accept_logit(x, u["reply_propensity"][ui])
    prob = sigmoid(logit)
    accepted = rng.random(m) < prob
    edited = ~accepted & (rng.random(m) < sigmoid(5.0 * (np.asarray(r["relevance"]) - 0.55)))
    outcome = np.where(accepted, 0, np.where(edited, 1, 2))
    version = (u["ab_bucket"][ui] + 1) % 2  # a different A/B split than the CTR models'
    sug_ids = np.array([f"sug-{k:010d}" for k in nums], dtype=object)
    conv_ids = np.array([f"conv-{k:08d}" for k in conv], dtype=object)
    suggestions = pd.DataFrame({
        "suggestion_id": sug_ids, "conversation_id": conv_ids, "user_id": u["user_id"][ui], "event_time": t,
        "text": r["text"], "length_chars": r["length_chars"], "word_count": r["word_count"],
        "has_emoji": r["has_emoji"], "is_question": r["is_question"], "relevance": r["relevance"],
        "sentiment": r["sentiment"], "formality": r["formality"],
        "model_score": served_reply_scores(logit, version, rng),
        "model_version": np.array(REPLY_VERSIONS, dtype=object)[version],
        "true_prob": prob, "accepted": accepted,
    })
    # accepting is quick, editing takes longer, typing by hand longest
    base = np.array([1_000, 5_000, 3_000])[outcome]
    scale = np.array([4_000.0, 15_000.0, 30_000.0])[outcome]
    delay = np.minimum(base + rng.exponential(1.0, size=m) * scale, OUTCOME_DELAY_MS[1]).astype(np.int64)
    outcomes = pd.DataFrame({
        "outcome_id": np.array([f"out-{k:010d}" for k in nums], dtype=object),
        "suggestion_id": sug_ids, "conversation_id": conv_ids, "user_id": u["user_id"][ui],
        "event_time": t + delay,
        "outcome": np.array(OUTCOMES, dtype=object)[outcome],
    })
    return suggestions, outcomes
