"""Reading and writing Kafka topics with kafka-python: exact reads, end offsets, simple produce.

``read_topic`` reads a topic from its first to its current last offset (no
"wait until quiet" guessing), so a caller that knows a job has finished gets
every record it wrote.

Every read here is ``read_committed``: the pipelines write exactly-once, in
Kafka transactions committed at checkpoints, and a reader that also took the
records of open or aborted transactions would see records that a failure
takes back (and count them twice when the job writes them again). The "last
offset" is then the last stable one: a transaction still open ends the read.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Iterable

from sqlflow.access import KafkaConnection, kafka_options

#: The servers (plain text), or a connection with its TLS and SASL settings (``Config.kafka_client()``).
Bootstrap = str | KafkaConnection
#: What every reader of the pipelines' topics sees: committed records only.
ISOLATION = "read_committed"


@dataclass(frozen=True)
class Message:
    """One Kafka record: where it is, when it was written, and its JSON value."""

    topic: str
    offset: int
    timestamp_ms: int
    value: Any


def end_offsets(bootstrap: Bootstrap, topics: Iterable[str]) -> dict[str, int]:
    """Each topic's committed end: the sum of its partitions' last stable offsets.

    With transactional writers an offset is not a record count: every commit
    also takes one offset for its marker.
    """
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(**kafka_options(bootstrap), enable_auto_commit=False, isolation_level=ISOLATION)
    try:
        out: dict[str, int] = {}
        for topic in topics:
            parts = consumer.partitions_for_topic(topic) or set()
            tps = [TopicPartition(topic, p) for p in parts]
            ends = consumer.end_offsets(tps) if tps else {}
            out[topic] = int(sum(ends.values()))
        return out
    finally:
        consumer.close()


def read_topic(bootstrap: Bootstrap, topic: str, timeout: float = 60.0) -> list[Message]:
    """Every record of ``topic`` up to its end offsets now, JSON-decoded (raw text if not JSON)."""
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(**kafka_options(bootstrap), enable_auto_commit=False, isolation_level=ISOLATION,
                             max_partition_fetch_bytes=8 * 1024 * 1024)
    try:
        parts = sorted(consumer.partitions_for_topic(topic) or set())
        tps = [TopicPartition(topic, p) for p in parts]
        if not tps:
            return []
        ends = consumer.end_offsets(tps)
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        out: list[Message] = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(tp) < ends[tp] for tp in tps):
            if time.monotonic() > deadline:
                raise TimeoutError(f"reading topic {topic} took longer than {timeout:.0f} s")
            for tp, records in consumer.poll(timeout_ms=500).items():
                for r in records:
                    if r.offset < ends[tp]:
                        out.append(Message(topic, r.offset, r.timestamp, _decode(r.value)))
        return sorted(out, key=lambda m: m.offset)
    finally:
        consumer.close()


def values(bootstrap: Bootstrap, topic: str) -> list[Any]:
    """The decoded values of every record of ``topic``."""
    return [m.value for m in read_topic(bootstrap, topic)]


def produce(bootstrap: Bootstrap, topic: str, records: Iterable[Any]) -> int:
    """Send records (dicts as JSON, str as text) to partition 0 of ``topic``; returns the count."""
    from kafka import KafkaProducer

    producer = KafkaProducer(**kafka_options(bootstrap), linger_ms=20, acks=1)
    n = 0
    try:
        for rec in records:
            data = rec.encode("utf-8") if isinstance(rec, str) else json.dumps(rec).encode("utf-8")
            producer.send(topic, value=data, partition=0)
            n += 1
        producer.flush()
    finally:
        producer.close()
    return n


def _decode(value: bytes | None) -> Any:
    if value is None:
        return None
    text = value.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text
