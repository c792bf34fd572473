"""The generated world: users, ads, and the hidden true models of behaviour.

Clicks and reply outcomes are drawn from logistic models of the same
features the shipped models read (:mod:`sqlflow.gen.features`), so a model
trained on the data learns something real. The served scores in the data
("ctr-v1"/"ctr-v2", "reply-v1"/"reply-v2") are noisy views of the truth:
v1 under-confident and noisier, v2 close to calibrated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sqlflow.gen.config import GenConfig
from sqlflow.gen.schema import AGE_BUCKETS, CATEGORIES, COUNTRIES, DEVICES, VECTOR_DIM

YEAR_MS = 365 * 86_400_000


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


@dataclass
class World:
    """Users and ads as column arrays (row k is user k / ad k)."""

    users: dict[str, np.ndarray]
    ads: dict[str, np.ndarray]

    def users_frame(self) -> pd.DataFrame:
        """The ``users`` source as a frame (interests as lists)."""
        u = self.users
        return pd.DataFrame({
            "user_id": u["user_id"], "country": u["country"], "device": u["device"],
            "age_bucket": u["age_bucket"], "signup_time": u["signup_time"],
            "interests": list(u["interests"].tolist()),
        })

    def ads_frame(self) -> pd.DataFrame:
        """The ``ads`` source as a frame (embedding as lists)."""
        a = self.ads
        return pd.DataFrame({
            "ad_id": a["ad_id"], "advertiser_id": a["advertiser_id"], "category": a["category"],
            "bid": a["bid"], "quality": a["quality"], "embedding": list(a["embedding"].tolist()),
        })


def build_world(cfg: GenConfig) -> World:
    """Users and ads, from the config's seed alone."""
    rng = np.random.default_rng([cfg.seed, 1])
    centers = rng.normal(0.0, 0.9, size=(len(CATEGORIES), VECTOR_DIM))

    n = cfg.n_users
    fav = rng.integers(0, len(CATEGORIES), size=n)
    interests = np.round(centers[fav] + rng.normal(0.0, 0.6, size=(n, VECTOR_DIM)), 4)
    users = {
        "user_id": np.array([f"u{k:07d}" for k in range(n)], dtype=object),
        "country": np.array(COUNTRIES, dtype=object)[
            rng.choice(len(COUNTRIES), size=n, p=[.3, .15, .1, .08, .08, .07, .07, .06, .05, .04])],
        "device": np.array(DEVICES, dtype=object)[rng.choice(3, size=n, p=[.6, .3, .1])],
        "age_bucket": np.array(AGE_BUCKETS, dtype=object)[rng.choice(5, size=n, p=[.2, .3, .22, .16, .12])],
        "signup_time": cfg.start_ms - rng.integers(86_400_000, 3 * YEAR_MS, size=n),
        "interests": interests,
        "ab_bucket": rng.integers(0, 2, size=n),  # which served model version a user sees
        "reply_propensity": rng.normal(0.0, 0.5, size=n),  # hidden, no feature sees it
    }
    users["age_index"] = np.array([AGE_BUCKETS.index(b) for b in users["age_bucket"]], dtype=np.float64)
    users["is_mobile"] = (users["device"] == "mobile").astype(np.float64)

    m = cfg.n_ads
    cat = rng.integers(0, len(CATEGORIES), size=m)
    n_adv = max(1, m // 5)
    ads = {
        "ad_id": np.array([f"a{k:06d}" for k in range(m)], dtype=object),
        "advertiser_id": np.array([f"adv{k:05d}" for k in rng.integers(0, n_adv, size=m)], dtype=object),
        "category": np.array(CATEGORIES, dtype=object)[cat],
        "bid": np.round(np.clip(rng.lognormal(-0.2, 0.6, size=m), 0.05, 20.0), 2),
        "quality": np.round(rng.beta(4.0, 2.5, size=m), 3),
        "embedding": np.round(centers[cat] + rng.normal(0.0, 0.5, size=(m, VECTOR_DIM)), 4),
    }
    return World(users, ads)


def true_click_logit(x: np.ndarray) -> np.ndarray:
    """The hidden truth: logit of a click given the 16 CTR features (float64)."""
    x = x.astype(np.float64)
    affinity = np.sum(x[:, 0:4] * x[:, 4:8], axis=1)
    return (
        -3.3
        + 1.5 * np.tanh(affinity / 3.0)
        + 2.2 * (x[:, 8] - 0.6)
        - 0.35 * (x[:, 10] - 1.0)
        + 0.3 * x[:, 11] - 0.15 * x[:, 12]
        + 0.3 * x[:, 13]
        - 0.08 * x[:, 14]
        + 0.5 * np.exp(-x[:, 15] / 60.0)
    )


def served_ctr_scores(logit: np.ndarray, version: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What the served CTR models scored: v1 (index 0) noisy and squashed, v2 close to the truth."""
    noise = rng.normal(0.0, 1.0, size=logit.shape)
    z = np.where(version == 0, 0.6 * logit - 1.0 + 0.6 * noise, logit + 0.25 * noise)
    return np.round(sigmoid(z), 6)


def true_accept_logit(x: np.ndarray, propensity: np.ndarray) -> np.ndarray:
    """The hidden truth: logit of accepting a suggested reply given the 8 reply features."""
    x = x.astype(np.float64)
    return (
        -0.9
        + 4.0 * (x[:, 0] - 0.5)
        + 0.7 * x[:, 1]
        - 0.8 * x[:, 2] * x[:, 7]
        - 0.03 * np.abs(x[:, 3] - 30.0)
        + 0.5 * x[:, 5] * x[:, 7]
        - 0.4 * x[:, 6]
        + propensity
    )


def served_reply_scores(logit: np.ndarray, version: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """What the served reply models scored: v1 noisy, v2 close to the truth."""
    noise = rng.normal(0.0, 1.0, size=logit.shape)
    z = np.where(version == 0, 0.5 * logit + 0.3 + 0.8 * noise, logit + 0.3 * noise)
    return np.round(sigmoid(z), 6)


# Replies are built from parts; each part adds to the text encoder's
# sentiment and formality, so the same text always gets the same values.
_OPENERS = (("", 0.0, 0.5), ("Sure, ", 0.3, 0.4), ("Thanks! ", 0.6, 0.5), ("Hi, ", 0.2, 0.5),
            ("Okay, ", 0.1, 0.3), ("Great, ", 0.6, 0.4), ("Sorry, ", -0.4, 0.6), ("Dear all, ", 0.1, 0.95),
            ("Hmm, ", -0.2, 0.2))
_CORES = (("see you at 5", 0.2, 0.3), ("that works for me", 0.4, 0.5), ("I will send it tomorrow", 0.1, 0.7),
          ("not sure about that", -0.5, 0.5), ("let me check and get back to you", 0.0, 0.8),
          ("sounds good", 0.5, 0.3), ("can we move the meeting", -0.1, 0.6), ("on my way", 0.2, 0.2),
          ("I am running late", -0.4, 0.3), ("happy birthday", 0.9, 0.4), ("please find the report attached", 0.0, 0.95),
          ("lol same", 0.5, 0.05), ("no worries", 0.4, 0.2), ("that is a pity", -0.6, 0.6),
          ("what time works for you", 0.1, 0.6), ("I do not think so", -0.5, 0.4), ("love it", 0.9, 0.1),
          ("call me when you can", 0.0, 0.4), ("we should talk about the budget", -0.1, 0.9), ("got it", 0.1, 0.3))
_EMOJI = ("\U0001F642", "\U0001F44D", "\U0001F602", "\U0001F389", "\u2764\ufe0f")


def make_replies(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Suggested reply texts and the text features of each."""
    o = rng.integers(0, len(_OPENERS), size=n)
    c = rng.integers(0, len(_CORES), size=n)
    q = rng.random(n) < 0.2
    e = rng.random(n) < 0.25
    em = rng.integers(0, len(_EMOJI), size=n)
    op_text = [_OPENERS[k][0] for k in o.tolist()]
    core_text = [_CORES[k][0] for k in c.tolist()]
    texts = np.array([
        op + (core if op else core[0].upper() + core[1:]) + ("?" if qk else "") + (" " + _EMOJI[mk] if ek else "")
        for op, core, qk, ek, mk in zip(op_text, core_text, q.tolist(), e.tolist(), em.tolist())
    ], dtype=object)
    op_sent, op_form = np.array([x[1] for x in _OPENERS]), np.array([x[2] for x in _OPENERS])
    core_sent, core_form = np.array([x[1] for x in _CORES]), np.array([x[2] for x in _CORES])
    sent = np.clip(0.4 * op_sent[o] + 0.8 * core_sent[c] + np.where(e, 0.2, 0.0), -1.0, 1.0)
    form = np.clip(0.3 * op_form[o] + 0.7 * core_form[c] - np.where(e, 0.2, 0.0), 0.0, 1.0)
    return {
        "text": texts,
        "length_chars": np.array([len(t) for t in texts], dtype=np.int64),
        "word_count": np.array([len(t.split()) for t in texts], dtype=np.int64),
        "has_emoji": e,
        "is_question": q,
        "sentiment": np.round(sent, 3),
        "formality": np.round(form, 3),
        "relevance": np.round(rng.beta(2.5, 2.0, size=n), 3),
    }
