"""Human review of doubtful records: list what waits in ``review_queue``, write decisions.

Curation sends records that pass every rule but look doubtful to the
``review_queue`` topic; a person approves or rejects them (``sqlflow review``),
which writes to ``review_decisions``; ``sql/curation/merge_decisions.sql``
merges the decisions back into the curated stream (or quarantine).
"""

from __future__ import annotations

from sqlflow.review.queue import DECISIONS_TOPIC, QUEUE_TOPIC, Decision, ReviewItem, decide, pending, queue_state

__all__ = ["DECISIONS_TOPIC", "QUEUE_TOPIC", "Decision", "ReviewItem", "decide", "pending", "queue_state"]
