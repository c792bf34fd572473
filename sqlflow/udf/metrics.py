"""The UDF runtime's Flink metrics, and the same numbers kept in Python.

Registered on the function context's metric group under ``sqlflow_udf``:
counters ``rows``, ``batches``, ``bad_rows`` and ``bad_rows_<reason>``, a
meter ``rows_per_second`` and a distribution ``inference_us`` per batch. When
metrics are off (``python.metric.enabled: false``) only the Python-side
:class:`UdfStats` are kept, which tests and the benchmark read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlflow.udf.tensorize import REASONS


@dataclass
class UdfStats:
    """What one function instance has done since ``open()``."""

    rows: int = 0
    batches: int = 0
    bad_rows: dict[str, int] = field(default_factory=dict)
    infer_seconds: float = 0.0

    @property
    def bad_total(self) -> int:
        return sum(self.bad_rows.values())


class UdfMetrics:
    """Counts into :class:`UdfStats` and, where enabled, into Flink's metric group."""

    def __init__(self, function_context=None):
        self.stats = UdfStats()
        group = None
        if function_context is not None:
            try:
                group = function_context.get_metric_group()
            except (RuntimeError, AttributeError):
                group = None  # metrics disabled for this job
        self._flink = group is not None
        if self._flink:
            g = group.add_group("sqlflow_udf")
            self._rows = g.counter("rows")
            self._batches = g.counter("batches")
            self._bad = g.counter("bad_rows")
            self._bad_reason = {r: g.counter(f"bad_rows_{r}") for r in REASONS}
            self._meter = g.meter("rows_per_second", time_span_in_seconds=60)
            self._latency = g.distribution("inference_us")

    def record(self, rows: int, batches: int, bad: dict[str, int], seconds: float) -> None:
        """Record one call of the function: rows in, model batches run, bad rows, time."""
        s = self.stats
        s.rows += rows
        s.batches += batches
        s.infer_seconds += seconds
        for reason, n in bad.items():
            s.bad_rows[reason] = s.bad_rows.get(reason, 0) + n
        if not self._flink:
            return
        self._rows.inc(rows)
        self._meter.mark_event(rows)
        if batches:
            self._batches.inc(batches)
            self._latency.update(int(seconds * 1e6 / batches))
        if bad:
            self._bad.inc(sum(bad.values()))
            for reason, n in bad.items():
                self._bad_reason[reason].inc(n)
