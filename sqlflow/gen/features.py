"""The model features, defined once for Python and for SQL.

Each feature is a simple expression of the generated columns, given here as
the Flink SQL that computes it, so a pipeline and the training code agree.
The CTR features read an impression ``i`` joined with its user ``u`` and ad
``a`` (``users`` and ``ads`` sources; ``i.event_time`` in epoch millis); the
reply features read a suggestion ``s`` joined with its user ``u``.

Times enter as the fraction of the UTC day, so the result does not depend on
the session time zone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sqlflow.gen.schema import AGE_BUCKETS, VECTOR_DIM

DAY_MS = 86_400_000


@dataclass(frozen=True)
class Feature:
    """One model input: its name, the Flink SQL that computes it, its meaning."""

    name: str
    sql: str
    meaning: str


_DAY_FRACTION = "CAST(MOD(i.event_time, 86400000) AS DOUBLE) / 86400000"
_AGE_INDEX = "CAST(CASE u.age_bucket " + " ".join(
    f"WHEN '{b}' THEN {k}" for k, b in enumerate(AGE_BUCKETS)
) + " END AS DOUBLE)"

#: The 16 inputs of the CTR model, in tensor order.
CTR_FEATURES: tuple[Feature, ...] = (
    *(Feature(f"user_interest_{k}", f"u.interests[{k + 1}]", f"user interest vector, element {k}")
      for k in range(VECTOR_DIM)),
    *(Feature(f"ad_embedding_{k}", f"a.embedding[{k + 1}]", f"ad feature vector, element {k}")
      for k in range(VECTOR_DIM)),
    Feature("ad_quality", "a.quality", "ad quality score"),
    Feature("ad_bid", "a.bid", "ad cost-per-click bid, USD"),
    Feature("ad_position", "CAST(i.ad_position AS DOUBLE)", "slot on the page, 1 to 5"),
    Feature("day_sin", f"SIN(2 * PI() * {_DAY_FRACTION})", "time of day (UTC), sine"),
    Feature("day_cos", f"COS(2 * PI() * {_DAY_FRACTION})", "time of day (UTC), cosine"),
    Feature("is_mobile", "CAST(CASE WHEN u.device = 'mobile' THEN 1 ELSE 0 END AS DOUBLE)", "user's device is mobile"),
    Feature("age_index", _AGE_INDEX, "age bucket as 0 (18-24) to 4 (55+)"),
    Feature("tenure_days", "CAST(i.event_time - u.signup_time AS DOUBLE) / 86400000", "days since the user signed up"),
)

#: The 8 inputs of the reply model, in tensor order.
REPLY_FEATURES: tuple[Feature, ...] = (
    Feature("relevance", "s.relevance", "similarity of the reply to the conversation"),
    Feature("sentiment", "s.sentiment", "sentiment of the reply"),
    Feature("formality", "s.formality", "formality of the reply"),
    Feature("length_chars", "CAST(s.length_chars AS DOUBLE)", "characters in the reply"),
    Feature("word_count", "CAST(s.word_count AS DOUBLE)", "words in the reply"),
    Feature("has_emoji", "CAST(CASE WHEN s.has_emoji THEN 1 ELSE 0 END AS DOUBLE)", "reply holds an emoji"),
    Feature("is_question", "CAST(CASE WHEN s.is_question THEN 1 ELSE 0 END AS DOUBLE)", "reply is a question"),
    Feature("is_mobile", "CAST(CASE WHEN u.device = 'mobile' THEN 1 ELSE 0 END AS DOUBLE)", "user's device is mobile"),
)


def ctr_feature_matrix(
    interests: np.ndarray,
    embedding: np.ndarray,
    quality: np.ndarray,
    bid: np.ndarray,
    position: np.ndarray,
    event_time: np.ndarray,
    is_mobile: np.ndarray,
    age_index: np.ndarray,
    signup_time: np.ndarray,
) -> np.ndarray:
    """The [n, 16] float32 CTR features from column arrays (one row per impression)."""
    day = np.mod(event_time.astype(np.int64), DAY_MS) / float(DAY_MS)
    cols = [
        interests.astype(np.float64),
        embedding.astype(np.float64),
        np.column_stack([
            quality, bid, position, np.sin(2 * np.pi * day), np.cos(2 * np.pi * day),
            is_mobile, age_index, (event_time.astype(np.int64) - signup_time.astype(np.int64)) / float(DAY_MS),
        ]).astype(np.float64),
    ]
    return np.concatenate(cols, axis=1).astype(np.float32)


def ctr_features(impressions: pd.DataFrame, users: pd.DataFrame, ads: pd.DataFrame) -> np.ndarray:
    """The CTR features of impressions (canonical columns: user_id, ad_id, event_time, ad_position).

    ``users`` and ``ads`` are the ``users`` and ``ads`` sources as frames.
    """
    u = users.set_index("user_id").loc[impressions["user_id"]]
    a = ads.set_index("ad_id").loc[impressions["ad_id"]]
    return ctr_feature_matrix(
        interests=np.array(u["interests"].tolist(), dtype=np.float64),
        embedding=np.array(a["embedding"].tolist(), dtype=np.float64),
        quality=a["quality"].to_numpy(np.float64),
        bid=a["bid"].to_numpy(np.float64),
        position=impressions["ad_position"].to_numpy(np.float64),
        event_time=impressions["event_time"].to_numpy(np.int64),
        is_mobile=(u["device"].to_numpy() == "mobile").astype(np.float64),
        age_index=u["age_bucket"].map({b: k for k, b in enumerate(AGE_BUCKETS)}).to_numpy(np.float64),
        signup_time=u["signup_time"].to_numpy(np.int64),
    )


def reply_feature_matrix(
    relevance: np.ndarray,
    sentiment: np.ndarray,
    formality: np.ndarray,
    length_chars: np.ndarray,
    word_count: np.ndarray,
    has_emoji: np.ndarray,
    is_question: np.ndarray,
    is_mobile: np.ndarray,
) -> np.ndarray:
    """The [n, 8] float32 reply features from column arrays (one row per suggestion)."""
    return np.column_stack(
        [relevance, sentiment, formality, length_chars, word_count, has_emoji, is_question, is_mobile]
    ).astype(np.float32)


def reply_features(suggestions: pd.DataFrame, users: pd.DataFrame) -> np.ndarray:
    """The reply features of suggestions (the ``suggestions`` source's columns)."""
    u = users.set_index("user_id").loc[suggestions["user_id"]]
    s = suggestions
    return reply_feature_matrix(
        s["relevance"].to_numpy(np.float64), s["sentiment"].to_numpy(np.float64),
        s["formality"].to_numpy(np.float64), s["length_chars"].to_numpy(np.float64),
        s["word_count"].to_numpy(np.float64), s["has_emoji"].to_numpy(np.float64),
        s["is_question"].to_numpy(np.float64), (u["device"].to_numpy() == "mobile").astype(np.float64),
    )


def select_list(features: tuple[Feature, ...]) -> str:
    """The features as a SQL select list (``<expr> AS <name>``, one a line), for views and tests."""
    return ",\n".join(f"  {f.sql} AS {f.name}" for f in features)
