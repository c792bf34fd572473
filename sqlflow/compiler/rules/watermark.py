"""missing-watermark: a window or interval join over a column that is not a time attribute.

Flink windows need a time attribute: a column with a WATERMARK (event time)
or a PROCTIME() column. An interval join on plain timestamps silently
becomes a regular join that keeps all rows in state.
"""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError


class MissingWatermark(Rule):
    id = "missing-watermark"
    description = "windows and interval joins use time attributes (a watermark or PROCTIME())"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            if project.is_batch(s.file):
                continue  # batch windows run on plain timestamps
            for w in s.facts.windows:
                if w.type.time_attr is None and not w.type.is_any:
                    yield self.diag(
                        f"{w.function} window on '{w.column}', which has no watermark",
                        w.location,
                        f"declare WATERMARK FOR {w.column} AS {w.column} - INTERVAL '5' SECOND in its table"
                        if w.type.family == "timestamp" else "window on a TIMESTAMP column with a watermark",
                        [f"'{w.column}' is {w.type}, not a time attribute"])
            for j in s.facts.joins:
                if j.kind != "interval":
                    continue
                plain = [name for name, t in j.time_columns if t.time_attr is None and not t.is_any]
                if plain:
                    yield self.diag(
                        f"interval join on {', '.join(repr(p) for p in plain)}, which "
                        f"{'has' if len(plain) == 1 else 'have'} no watermark", j.location,
                        "declare a WATERMARK on the time columns of both tables",
                        ["without time attributes Flink runs it as a regular join that keeps every row in state"])
