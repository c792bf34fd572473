"""The traffic of a fault run: a producer of numbered ids at a fixed rate, and a read_committed
watcher that notes when each id first came out and how often."""

from __future__ import annotations

import bisect
import json
import threading
import time


class Producer(threading.Thread):
    """Writes ids 0, 1, 2, ... to the input topic at ``rate`` per second until stopped (and at least
    ``minimum`` ids are out); notes when each batch was sent."""

    def __init__(self, bootstrap: str, topic: str, rate: float, minimum: int, limit: int | None = None,
                 sent_at: list[float] | None = None) -> None:
        super().__init__(daemon=True)
        self.bootstrap, self.topic, self.rate, self.minimum, self.limit = bootstrap, topic, rate, minimum, limit
        self.sent_at: list[float] = list(sent_at or [])  # monotonic time of id i (ids go on from these)
        self.stop_when_done = threading.Event()
        self.error: BaseException | None = None

    @property
    def count(self) -> int:
        return len(self.sent_at)

    def run(self) -> None:
        from kafka import KafkaProducer

        producer = KafkaProducer(bootstrap_servers=self.bootstrap, linger_ms=5, acks="all",
                                 retries=1_000_000, delivery_timeout_ms=600_000, request_timeout_ms=10_000,
                                 reconnect_backoff_max_ms=1000)
        tick = 0.02
        start, first = time.monotonic(), self.count
        try:
            while not (self.stop_when_done.is_set() and self.count >= self.minimum):
                due = first + int((time.monotonic() - start) * self.rate)
                if self.limit is not None:
                    due = min(due, self.limit)
                now = time.monotonic()
                for i in range(self.count, due):
                    producer.send(self.topic, json.dumps({"id": i, "x": (i % 1000) / 1000}).encode())
                    self.sent_at.append(now)
                time.sleep(tick)
            producer.flush(timeout=600)
        except BaseException as exc:  # noqa: BLE001 - reported by the run
            self.error = exc
        finally:
            producer.close(timeout=30)


class Watcher(threading.Thread):
    """Reads one output topic read_committed from the start; per id, when it first came and how often."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        super().__init__(daemon=True)
        self.bootstrap, self.topic = bootstrap, topic
        self.first_seen: dict[int, float] = {}
        self.copies: dict[int, int] = {}
        self.extra_at: list[float] = []  # when each copy beyond the first arrived
        self.records = 0
        self.halt = threading.Event()

    def run(self) -> None:
        from kafka import KafkaConsumer

        consumer = KafkaConsumer(self.topic, bootstrap_servers=self.bootstrap, isolation_level="read_committed",
                                 auto_offset_reset="earliest", enable_auto_commit=False,
                                 reconnect_backoff_max_ms=1000, request_timeout_ms=20_000)
        try:
            while not self.halt.is_set():
                got = consumer.poll(timeout_ms=100)
                now = time.monotonic()
                for records in got.values():
                    for r in records:
                        i = json.loads(r.value)["id"]
                        self.records += 1
                        self.copies[i] = self.copies.get(i, 0) + 1
                        if self.copies[i] > 1:
                            self.extra_at.append(now)
                        self.first_seen.setdefault(i, now)
        finally:
            consumer.close()

    def first_after(self, t: float, sent_at: list[float]) -> float | None:
        """When the first id produced after ``t`` came out (None if none has)."""
        seen = [self.first_seen.get(i) for i in range(bisect.bisect_right(sent_at, t), len(sent_at))]
        return min((x for x in seen if x is not None), default=None)
