"""Lint (warnings): things that run, but not well. Each is silenced per statement with
``-- sqlflow: disable=<id>``.

state-ttl: a regular join or unbounded GROUP BY keeps state forever unless
'table.exec.state.ttl' is set. select-star-sink: ``SELECT *`` into a sink
breaks when a source gains a column. udf-not-vectorized: a row-at-a-time
Python UDF in a streaming query pays a Python round trip per row.
proctime-window: a processing-time window over input that has event time.
"""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError

_TTL = "table.exec.state.ttl"


class StateTtl(Rule):
    id = "state-ttl"
    severity = "warning"
    description = "regular joins and unbounded aggregates run with 'table.exec.state.ttl' set"

    def check(self, project: Project) -> Iterable[ValidationError]:
        if _TTL in project.config.flink:
            return
        for s in project.statements:
            if _TTL in s.settings or s.kind not in ("insert", "query", "view") or project.is_batch(s.file):
                continue
            where = [(j.location, "regular join") for j in s.facts.joins if j.kind == "regular"]
            where += [(loc, "unbounded GROUP BY") for loc in s.facts.unbounded_aggregates]
            for loc, what in where[:1]:
                yield self.diag(f"{what} keeps state forever: '{_TTL}' is not set", loc,
                                f"SET '{_TTL}' = '1 h'; before it, or set it under flink: in sqlflow.yaml")


class SelectStarSink(Rule):
    id = "select-star-sink"
    severity = "warning"
    description = "INSERT lists its columns instead of SELECT *"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            if s.kind == "insert" and s.facts.select_star is not None:
                yield self.diag(f"SELECT * into sink '{s.sink_name}': a new source column breaks or shifts it",
                                s.facts.select_star, "list the columns")


class UdfNotVectorized(Rule):
    id = "udf-not-vectorized"
    severity = "warning"
    description = "Python UDFs in streaming queries use the vectorized (pandas) form"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            if s.kind not in ("insert", "view", "query"):
                continue
            for call in s.facts.calls:
                spec = call.udf.spec if call.udf is not None else None
                if spec is not None and spec.func_type != "pandas":
                    yield self.diag(f"{call.name}() is a row-at-a-time Python UDF in a streaming query",
                                    call.location, "declare it with @udf(..., vectorized=True) to get pandas batches")


class ProctimeWindow(Rule):
    id = "proctime-window"
    severity = "warning"
    description = "windows use event time where the input has it"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for w in s.facts.windows:
                if w.type.time_attr == "proctime" and w.rowtime_available:
                    yield self.diag(f"{w.function} window on processing time '{w.column}', but the input has "
                                    f"event time '{w.rowtime_available}'", w.location,
                                    f"window on DESCRIPTOR({w.rowtime_available}) for results that do not "
                                    "depend on when rows arrive")
