"""The Kafka topics the shipped pipelines read and write."""

from __future__ import annotations

from sqlflow.gen.schema import SOURCES

#: Raw sources, written by the generator (one topic per source).
SOURCE_TOPICS: tuple[str, ...] = tuple(SOURCES)

#: Topics the pipelines write or read besides the sources.
PIPELINE_TOPICS: tuple[str, ...] = (
    "curated_impressions", "curated_clicks", "quarantine", "review_queue", "review_decisions",
    "score_requests", "scored_requests", "feedback_metrics", "late_events",
)
