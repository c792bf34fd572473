"""The Flink configuration sqlflow applies unless the project or the job says otherwise.

Three layers, each overriding the one before it: these defaults, the
project's ``flink:`` mapping in sqlflow.yaml, and the job's own ``SET``
statements. :func:`job_config` merges them for one job.

Streaming jobs checkpoint by default, because their Kafka sinks write
exactly-once: a transactional sink commits what it wrote at each completed
checkpoint, so ``read_committed`` readers see a job's output only then, and
the interval bounds both the data a recovery replays and how stale a reader's
view is. The values here were chosen by measurement on the local target
(``bench/bench_faults.py``; the figures are in bench/RESULTS.md):

- checkpoint interval ``2 s``: a read_committed reader waits about one
  interval for new output, also after a recovery (the first checkpoint after
  the restart commits it), which the 10 s recovery target leaves room for;
  the checkpoints themselves (a few kB of offsets and operator state, one
  Kafka transaction per sink subtask) cost no throughput we could measure;
- restart: after 500 ms, then 1.5 times longer after each failure that
  follows within a minute of healthy running, up to 1 min: a single failure
  costs half a second (Flink's default waits 1 s and, after a few failures,
  much longer for an hour), a job failing in a loop does not hammer Kafka or
  the cluster.

Model and UDF calls are fast by default, whatever runtime they get (measured
by ``bench/bench_defaults.py``; the figures are in bench/RESULTS.md):

- ``pipeline.object-reuse`` on: Flink's own planner turns it on for every
  batch job; for streaming jobs it saves a copy of each row between chained
  operators (the native model step copies the rows it buffers itself);
- the Python runtime (``'runtime' = 'python'``, ``onnx_udf``, ``@udf``):
  Arrow batches of 10,000 rows and bundles of 100,000 (Flink's 1,000 and
  1,000 make a model call cross the bridge in slices too small to pay for
  the crossing), and in streaming jobs a bundle closed after 50 ms at the
  latest (Flink's 1 s is the p99 of a streaming job at a modest rate);
- the native runtime's ``batch-size`` (512 rows) and ``flush-interval``
  (10 ms) are the model options' own defaults, in the jar.

``CLUSTER`` holds the settings of the cluster processes themselves (the
``local`` target and docker-compose take them through
``sqlflow.deploy.flinkconf.cluster_config``): how fast a lost TaskManager is
noticed, and how much of a job restarts.
"""

from __future__ import annotations

import re
from types import MappingProxyType
from typing import Mapping

from sqlflow.errors import ConfigError

CHECKPOINT_INTERVAL = "execution.checkpointing.interval"
RUNTIME_MODE = "execution.runtime-mode"

OBJECT_REUSE = "pipeline.object-reuse"
ARROW_BATCH = "python.fn-execution.arrow.batch.size"
BUNDLE_SIZE = "python.fn-execution.bundle.size"
BUNDLE_TIME = "python.fn-execution.bundle.time"

#: Every job: model and UDF calls in batches large enough to pay for crossing into Python.
_CALLS: Mapping[str, str] = MappingProxyType({
    OBJECT_REUSE: "true",
    ARROW_BATCH: "10000",
    BUNDLE_SIZE: "100000",
})

#: Every streaming job, unless sqlflow.yaml's ``flink:`` or the job's SET says otherwise.
STREAMING: Mapping[str, str] = MappingProxyType({
    **_CALLS,
    BUNDLE_TIME: "50",
    CHECKPOINT_INTERVAL: "2 s",
    "execution.checkpointing.mode": "EXACTLY_ONCE",
    "execution.checkpointing.min-pause": "500 ms",
    "execution.checkpointing.timeout": "2 min",
    "restart-strategy.type": "exponential-delay",
    "restart-strategy.exponential-delay.initial-backoff": "500 ms",
    "restart-strategy.exponential-delay.max-backoff": "1 min",
    "restart-strategy.exponential-delay.backoff-multiplier": "1.5",
    "restart-strategy.exponential-delay.reset-backoff-threshold": "1 min",
})

#: Every batch job: no checkpoints (a failed batch task reruns from its inputs), a few quick retries.
BATCH: Mapping[str, str] = MappingProxyType({
    **_CALLS,
    "restart-strategy.type": "fixed-delay",
    "restart-strategy.fixed-delay.attempts": "3",
    "restart-strategy.fixed-delay.delay": "1 s",
})

#: The cluster processes (JobManager, TaskManagers): failure detection and failover scope.
CLUSTER: Mapping[str, str] = MappingProxyType({
    "heartbeat.interval": "1 s",
    "heartbeat.timeout": "5 s",
    "heartbeat.rpc-failure-threshold": "2",
    "jobmanager.execution.failover-strategy": "region",
})


def is_batch(config: Mapping[str, str]) -> bool:
    """Whether a job with this configuration runs in batch mode."""
    return str(config.get(RUNTIME_MODE, "streaming")).strip().lower() == "batch"


def job_defaults(batch: bool) -> dict[str, str]:
    """sqlflow's defaults for a batch or a streaming job."""
    return dict(BATCH if batch else STREAMING)


def job_config(project: Mapping[str, str] | None = None, job: Mapping[str, str] | None = None,
               batch: bool | None = None) -> dict[str, str]:
    """A job's Flink configuration: sqlflow's defaults, then the project's, then the job's own.

    ``batch`` defaults to what the merged project and job settings say.
    """
    given = {**(project or {}), **(job or {})}
    if batch is None:
        batch = is_batch(given)
    return {**job_defaults(batch), **{str(k): str(v) for k, v in given.items()}}


_DURATION = re.compile(r"^\s*(\d+)\s*([a-z]*)\s*$", re.I)
_UNITS_MS = {"": 1, "ms": 1, "milli": 1, "millis": 1, "millisecond": 1, "milliseconds": 1,
             "s": 1000, "sec": 1000, "secs": 1000, "second": 1000, "seconds": 1000,
             "min": 60_000, "m": 60_000, "minute": 60_000, "minutes": 60_000,
             "h": 3_600_000, "hour": 3_600_000, "hours": 3_600_000,
             "d": 86_400_000, "day": 86_400_000, "days": 86_400_000}


def duration_ms(text: str) -> int:
    """A Flink duration (``2 s``, ``500ms``, ``1 min``, ``0``) in milliseconds.

    >>> duration_ms("2 s"), duration_ms("1min"), duration_ms("0")
    (2000, 60000, 0)
    """
    m = _DURATION.match(str(text))
    unit = m.group(2).lower() if m else None
    if m is None or unit not in _UNITS_MS:
        raise ConfigError(f"{text!r} is not a duration", rule="bad-setting",
                          hint="write a number and a unit: '2 s', '500 ms', '1 min'")
    return int(m.group(1)) * _UNITS_MS[unit]


def checkpointing_off(config: Mapping[str, str]) -> bool:
    """Whether ``config`` turns checkpointing off (an interval of 0; Flink takes 0 as off).

    An interval that is not a duration at all is Flink's to reject, not off.
    """
    value = config.get(CHECKPOINT_INTERVAL)
    if value is None:
        return False
    try:
        return duration_ms(value) == 0
    except ConfigError:
        return False
