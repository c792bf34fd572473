"""Fixtures for testing SQL jobs against the real parts: a Kafka broker and a Flink mini-cluster.

Use them in a project's tests with ``pytest_plugins = ["sqlflow.testing"]``::

    def test_my_job(kafka_broker, flink_cluster):
        produce_json(kafka_broker.bootstrap, "events", [{"id": 1}])
        ...

Both fixtures are session-scoped: the broker and the cluster start once.

Declarative SQL tests (``*.test.yaml``, see ``sqlflow.sqltest``) run from pytest
through ``run_sql_test``, on the same mini-cluster::

    def test_ctr_metrics(run_sql_test):
        run_sql_test("sql/feedback/ctr_metrics.test.yaml")   # fails with the row diff

    def test_inline(run_sql_test):
        run_sql_test({"job": "sql/enrich.sql",
                      "inputs": {"clicks": [{"user_id": 1, "page": "home"}]},
                      "expect": {"loud_clicks": [{"user_id": 1, "page": "HOME!"}]}})
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import pytest

from sqlflow.access import KafkaConnection, kafka_options
from sqlflow.kafka.broker import KafkaBroker
from sqlflow.sqltest import SqlTestRunner, TestResult
from sqlflow.flink.cluster import EmbeddedCluster


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


@pytest.fixture(scope="session")
def sql_test_runner(flink_cluster: EmbeddedCluster, tmp_path_factory) -> Iterator[SqlTestRunner]:
    """A runner for declarative SQL tests on the session's mini-cluster."""
    runner = SqlTestRunner(cluster=flink_cluster, workdir=tmp_path_factory.mktemp("sqltest"))
    try:
        yield runner
    finally:
        runner.close()


@pytest.fixture
def run_sql_test(sql_test_runner: SqlTestRunner) -> Callable[..., TestResult]:
    """``run_sql_test(path_or_dict, base=".")``: run one SQL test; a failure fails the pytest test
    with the row-level diff. Returns the :class:`~sqlflow.sqltest.TestResult`."""

    def run(test: str | Path | Mapping[str, Any], base: str | Path = ".", check: bool = True) -> TestResult:
        return check_sql_test(sql_test_runner, test, base=base, check=check)

    return run


def check_sql_test(runner: SqlTestRunner, test: str | Path | Mapping[str, Any], base: str | Path = ".",
                   check: bool = True) -> TestResult:
    """Run a SQL test with ``runner``; with ``check``, a failed test raises AssertionError showing its report."""
    result = runner.run(test, base=base)
    if check and not result.passed:
        raise AssertionError("\n" + result.report())
    return result


def produce_json(bootstrap: str | KafkaConnection, topic: str, records: Iterable[Any], key: str | None = None) -> int:
    """Send records as JSON values (keyed by ``record[key]`` if given); returns the count.

    ``bootstrap`` is the servers, or a :class:`~sqlflow.access.KafkaConnection` (TLS, SASL:
    ``load_config().kafka_client()``)."""
    from kafka import KafkaProducer

    producer = KafkaProducer(**kafka_options(bootstrap), linger_ms=5,
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


def consume(bootstrap: str | KafkaConnection, topic: str, expected: int | None = None, timeout: float = 30.0,
            decode: bool = True) -> list[Any]:
    """Read a topic from the start: until ``expected`` records arrived, or until it stays quiet.

    Only committed records are read (``read_committed``), as every reader of an
    exactly-once job's output should: a transaction still open, or one that a
    failure aborted, is not output yet.
    """
    from kafka import KafkaConsumer

    consumer = KafkaConsumer(topic, **kafka_options(bootstrap), auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=2000,
                             isolation_level="read_committed")
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
