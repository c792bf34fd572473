"""Fixtures for testing SQL jobs against the real parts: a Kafka broker and a Flink mini-cluster.

Use them in a project's tests with ``pytest_plugins = ["sqlflow.testing"]``::

    def test_my_job(kafka_broker, flink_cluster):
        produce_json(kafka_broker.bootstrap, "events", [{"id": 1}])
        ...

Both fixtures are session-scoped: the broker and the cluster start once.
"""

from __future__ import annotations

import json
import time
from typing import Any, Iterable, Iterator

import pytest

from sqlflow.kafka.broker import KafkaBroker
from sqlflow.targets.embedded import EmbeddedCluster


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[KafkaBroker]:
    """A real single-node KRaft broker on free local ports, stopped after the session."""
    broker = KafkaBroker(heap="384m", log_level="WARN")
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()


@pytest.fixture(scope="session")
def flink_cluster() -> Iterator[EmbeddedCluster]:
    """A Flink mini-cluster in the test process, its dashboard on a free port."""
    cluster = EmbeddedCluster(rest_port=0, slots=4, parallelism=1)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.close()


def produce_json(bootstrap: str, topic: str, records: Iterable[Any], key: str | None = None) -> int:
    """Send records as JSON values (keyed by ``record[key]`` if given); returns the count."""
    from kafka import KafkaProducer

    producer = KafkaProducer(bootstrap_servers=bootstrap, linger_ms=5,
                             value_serializer=lambda v: v if isinstance(v, bytes) else json.dumps(v).encode())
    n = 0
    try:
        for rec in records:
            k = str(rec[key]).encode() if key and isinstance(rec, dict) and rec.get(key) is not None else None
            producer.send(topic, rec, key=k)
            n += 1
        producer.flush()
    finally:
        producer.close()
    return n


def consume(bootstrap: str, topic: str, expected: int | None = None, timeout: float = 30.0,
            decode: bool = True) -> list[Any]:
    """Read a topic from the start: until ``expected`` records arrived, or until it stays quiet."""
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=2000)
    out: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            for msg in consumer:
                value = msg.value
                if decode and value is not None:
                    try:
                        value = json.loads(value)
                    except ValueError:
                        value = value.decode("utf-8", "replace")
                out.append(value)
                if expected is not None and len(out) >= expected:
                    return out
            if expected is None:
                return out
    finally:
        consumer.close()
    return out
