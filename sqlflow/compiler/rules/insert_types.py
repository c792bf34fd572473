"""insert-column-type: a query column whose type Flink will not cast to the sink column's."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.compiler.rules.insert_columns import sink_columns
from sqlflow.compiler.types import implicit_cast
from sqlflow.errors import ValidationError


class InsertColumnType(Rule):
    id = "insert-column-type"
    description = "each column an INSERT writes casts implicitly to the sink column's type"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            if s.kind != "insert":
                continue
            want = sink_columns(s)
            if want is None or s.relation is None or len(want) != len(s.relation.columns):
                continue
            for i, ((name, dst), col) in enumerate(zip(want, s.relation.columns)):
                if not implicit_cast(col.type, dst):  # type: ignore[arg-type]
                    loc = s.projection_locations[i] if i < len(s.projection_locations) else s.sink_location
                    yield self.diag(
                        f"column {i + 1} ('{col.name}') is {col.type.plain()}, but sink column "
                        f"'{name}' of '{s.sink.name}' is {dst}", loc,  # type: ignore[union-attr]
                        f"cast it: CAST(... AS {dst})")
