"""The runtime's metrics go to the function context's metric group (PyFlink's interface)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pyflink.metrics import Counter, Distribution, Meter, MetricGroup
from pyflink.table.udf import FunctionContext

from sqlflow.udf import onnx_function, onnx_udf


class _Counter(Counter):
    def __init__(self):
        self.count = 0

    def inc(self, n: int = 1):
        self.count += n

    def dec(self, n: int = 1):
        self.count -= n

    def get_count(self) -> int:
        return self.count


class _Meter(Meter):
    def __init__(self):
        self.count = 0

    def mark_event(self, value: int = 1):
        self.count += value

    def get_count(self) -> int:
        return self.count


class _Distribution(Distribution):
    def __init__(self):
        self.values = []

    def update(self, value):
        self.values.append(value)


class RecordingGroup(MetricGroup):
    """Keeps every metric registered under it, by dotted name."""

    def __init__(self, prefix: str = "", registry: dict | None = None):
        self.prefix, self.registry = prefix, registry if registry is not None else {}

    def add_group(self, name: str, extra: str = None) -> MetricGroup:
        return RecordingGroup(f"{self.prefix}{name}.", self.registry)

    def counter(self, name: str) -> Counter:
        return self.registry.setdefault(self.prefix + name, _Counter())

    def gauge(self, name, obj) -> None:
        self.registry[self.prefix + name] = obj

    def meter(self, name: str, time_span_in_seconds: int = 60) -> Meter:
        return self.registry.setdefault(self.prefix + name, _Meter())

    def distribution(self, name: str) -> Distribution:
        return self.registry.setdefault(self.prefix + name, _Distribution())


def test_rows_batches_bad_rows_and_latency(mlp16, rng):
    group = RecordingGroup()
    fn = onnx_function(onnx_udf("m", model=str(mlp16), inputs=["ARRAY<FLOAT>"], result="DOUBLE",
                                output="probability", batch_size=4))
    fn.open(FunctionContext(group, {}))
    rows = list(rng.normal(size=(10, 16)).astype(np.float32))
    rows[0], rows[5] = None, rows[5][:3]
    fn.eval(pd.Series(rows, dtype=object))
    fn.eval(pd.Series(rows[:2], dtype=object))
    reg = group.registry
    counts = {k: v.get_count() for k, v in reg.items() if hasattr(v, "get_count")}
    assert counts == {
        "sqlflow_udf.rows": 12, "sqlflow_udf.batches": 3, "sqlflow_udf.bad_rows": 3,
        "sqlflow_udf.bad_rows_null": 2, "sqlflow_udf.bad_rows_wrong_type": 0,
        "sqlflow_udf.bad_rows_wrong_length": 1, "sqlflow_udf.bad_rows_nan": 0,
        "sqlflow_udf.bad_rows_inf": 0, "sqlflow_udf.rows_per_second": 12,
    }
    latencies = reg["sqlflow_udf.inference_us"].values
    assert len(latencies) == 2 and all(isinstance(v, int) and v >= 0 for v in latencies)
    assert fn.stats.rows == 12 and fn.stats.bad_rows == {"null": 2, "wrong_length": 1}


def test_metrics_disabled_keeps_python_stats(mlp16, rng):
    fn = onnx_function(onnx_udf("m", model=str(mlp16), inputs=["ARRAY<FLOAT>"], result="DOUBLE",
                                output="probability"))
    fn.open(FunctionContext(None, {}))  # python.metric.enabled: false
    fn.eval(pd.Series(list(rng.normal(size=(3, 16)).astype(np.float32))))
    assert (fn.stats.rows, fn.stats.batches, fn.stats.bad_rows) == (3, 1, {})
