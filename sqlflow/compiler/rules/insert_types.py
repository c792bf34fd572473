"""insert-column-type: a query column whose type Flink will not cast to the sink column's."""

from __future__ import annotations

from typing import Iterable

from sqlglot import exp

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
                        f"column {i + 1} ({_shown(s, i, col.name)}) is {col.type.plain()}, but sink column "
                        f"'{name}' of '{s.sink.name}' is {dst}", loc,  # type: ignore[union-attr]
                        f"cast it: CAST(... AS {dst})")


def _shown(s, i: int, name: str) -> str:
    """A query column as the user knows it: its name, or for an unnamed one (Flink's EXPR$n) its text."""
    if not name.startswith("EXPR$"):
        return f"'{name}'"
    query = s.query
    while isinstance(query, (exp.Subquery, exp.SetOperation)):
        query = query.this if isinstance(query, exp.Subquery) else query.left
    items = query.expressions if isinstance(query, exp.Select) else []
    return items[i].sql(dialect="flink") if i < len(items) else "an unnamed expression"
