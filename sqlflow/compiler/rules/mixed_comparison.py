"""mixed-comparison (lint): a string compared with a number.

Flink leaves it to the planner to make the two sides alike (or to refuse the
comparison); either way a non-numeric string never matches, silently. Write
both sides with one type.
"""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError


class MixedComparison(Rule):
    id = "mixed-comparison"
    severity = "warning"
    description = "comparisons have a string on both sides or a number on both sides"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for u in s.facts.unresolved:
                if u.kind == "mixed-comparison":
                    yield self.diag(f"comparing {u.name}", u.location, u.hint)
