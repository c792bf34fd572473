"""streaming-sort: an ORDER BY that Flink cannot run on a stream.

In a streaming job Flink sorts only on a time attribute (a rowtime with a
watermark, or a processing-time column), ascending, as the first key; any
other ORDER BY needs a LIMIT (then it is a Top-N) or batch mode. OFFSET
needs FETCH or LIMIT there too. Flink's planner says "Sort on a
non-time-attribute field is not supported" only when the job is submitted.
"""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError


class StreamingSort(Rule):
    id = "streaming-sort"
    description = "a streaming job sorts on a time attribute first, or keeps only the top rows (LIMIT)"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            if s.kind not in ("insert", "query") or project.is_batch(s.file):
                continue
            for why, where in s.facts.sorts:
                yield self.diag(f"a streaming query cannot be {why}" if why.startswith("sorted")
                                else f"a streaming query cannot use {why}", where,
                                "sort on a time attribute first (ascending), keep the top rows with LIMIT n, "
                                "or run the job in batch mode: SET 'execution.runtime-mode' = 'batch';")
