"""The review queue on Kafka: pending items and decisions, read and written with kafka-python."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from typing import Iterable

from kafka import KafkaProducer
from kafka.errors import KafkaError

from sqlflow.access import bootstrap_of, kafka_options
from sqlflow.errors import ServiceError, ValidationError
from sqlflow.kafka.topics import Bootstrap, read_topic

QUEUE_TOPIC = "review_queue"
DECISIONS_TOPIC = "review_decisions"
DECISIONS = ("approve", "reject")


@dataclass(frozen=True)
class ReviewItem:
    """A doubtful record waiting for a person: what it is, why it is here, the record itself."""

    review_id: str
    kind: str
    source: str
    seq: int
    event_id: str
    reason: str
    event_time: int | None
    record: str


@dataclass(frozen=True)
class Decision:
    """A reviewer's verdict on one item, as written to the decisions topic."""

    review_id: str
    decision: str
    reviewer: str
    note: str
    decided_at: int


def _read(bootstrap: Bootstrap, topic: str) -> list[dict]:
    try:
        return [m.value for m in read_topic(bootstrap, topic) if isinstance(m.value, dict)]
    except KafkaError as exc:
        raise ServiceError(f"cannot read topic {topic} at {bootstrap_of(bootstrap)}: {exc}",
                           hint="is the broker running? (sqlflow up)", rule="kafka") from exc


def queue_state(bootstrap: Bootstrap, prefix: str = "") -> tuple[list[ReviewItem], dict[str, Decision]]:
    """Every item ever queued (first occurrence of each id) and the first decision per id.

    ``prefix`` is the topic name prefix the jobs ran with (``${TOPIC_PREFIX}`` in the SQL).
    """
    items: dict[str, ReviewItem] = {}
    for v in _read(bootstrap, prefix + QUEUE_TOPIC):
        if v.get("review_id") and v["review_id"] not in items:
            items[v["review_id"]] = ReviewItem(**{k: v.get(k) for k in ReviewItem.__dataclass_fields__})
    decided: dict[str, Decision] = {}
    for v in _read(bootstrap, prefix + DECISIONS_TOPIC):
        rid = v.get("review_id")
        if rid and rid not in decided and v.get("decision") in DECISIONS:
            decided[rid] = Decision(**{k: v.get(k) for k in Decision.__dataclass_fields__})
    return list(items.values()), decided


def pending(bootstrap: Bootstrap, prefix: str = "") -> list[ReviewItem]:
    """Items without a decision, oldest event first."""
    items, decided = queue_state(bootstrap, prefix)
    waiting = [i for i in items if i.review_id not in decided]
    return sorted(waiting, key=lambda i: (i.event_time or 0, i.review_id))


def decide(bootstrap: Bootstrap, review_ids: Iterable[str], decision: str, reviewer: str,
           note: str = "", prefix: str = "") -> list[Decision]:
    """Write one decision per id; unknown or already decided ids are refused before anything is written."""
    if decision not in DECISIONS:
        raise ValidationError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}", rule="review")
    ids = list(dict.fromkeys(review_ids))
    if not ids:
        raise ValidationError("name at least one review id (see `sqlflow review list`)", rule="review")
    items, decided = queue_state(bootstrap, prefix)
    known = {i.review_id for i in items}
    unknown = [r for r in ids if r not in known]
    if unknown:
        raise ValidationError(f"not in the review queue: {', '.join(unknown)}", rule="review",
                              hint="`sqlflow review list` shows the pending ids")
    done = [r for r in ids if r in decided]
    if done:
        raise ValidationError("already decided: " + ", ".join(f"{r} ({decided[r].decision})" for r in done),
                              rule="review")
    now = int(time.time() * 1000)
    out = [Decision(r, decision, reviewer, note, now) for r in ids]
    _write(bootstrap, prefix + DECISIONS_TOPIC, [asdict(d) for d in out])
    return out


def _write(bootstrap: Bootstrap, topic: str, records: list[dict]) -> None:
    try:
        producer = KafkaProducer(**kafka_options(bootstrap), acks="all", linger_ms=5)
        try:
            for rec in records:
                producer.send(topic, key=rec["review_id"].encode(), value=json.dumps(rec).encode())
            producer.flush()
        finally:
            producer.close()
    except KafkaError as exc:
        raise ServiceError(f"cannot write decisions to {topic} at {bootstrap_of(bootstrap)}: {exc}",
                           rule="kafka") from exc
