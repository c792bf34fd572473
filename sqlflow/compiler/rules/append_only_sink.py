"""append-only-sink: an updating query written to a sink that only appends.

Unbounded GROUP BY, outer joins and Top-N without a window produce updates;
kafka and filesystem sinks only take inserts (upsert-kafka, print, and jdbc
with a primary key take updates). Batch jobs (INSERT OVERWRITE) produce no updates.
"""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.connectors import accepts_updates
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError


class AppendOnlySink(Rule):
    id = "append-only-sink"
    description = "updating queries go to sinks that accept updates"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            if s.kind != "insert" or s.sink is None or s.relation is None or not s.relation.updating:
                continue
            if project.is_batch(s.file):
                continue
            t = s.sink
            if accepts_updates(t.options, bool(t.primary_key)):
                continue
            why = _why(s)
            yield self.diag(
                f"'{t.name}' ({t.connector}) only takes appends, but this query produces updates"
                + (f" ({why})" if why else ""),
                s.sink_location,
                "write it to an upsert-kafka table with a PRIMARY KEY, or aggregate over a window")


def _why(s) -> str:
    f = s.facts
    if f.unbounded_aggregates:
        return f"an unbounded GROUP BY at line {f.unbounded_aggregates[0].line}"
    outer = [j for j in f.joins if j.kind == "regular" and j.outer]
    if outer:
        return f"an outer join at line {outer[0].location.line}"
    if f.topn:
        return f"a Top-N without a window at line {f.topn[0].line}"
    return "an updating input"
