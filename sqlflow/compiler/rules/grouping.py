"""grouping: a grouped SELECT shows a column it neither groups nor aggregates; an aggregate in WHERE."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError


class Grouping(Rule):
    id = "grouping"
    description = "a grouped query shows only grouped columns and aggregates; WHERE holds no aggregate"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for u in s.facts.unresolved:
                if u.kind == "ungrouped":
                    yield self.diag(f"column '{u.name}' is neither in GROUP BY nor inside an aggregate",
                                    u.location, u.hint)
                elif u.kind == "misplaced-aggregate":
                    yield self.diag(f"aggregate {u.name} in WHERE: WHERE filters rows before they are grouped",
                                    u.location, u.hint)
