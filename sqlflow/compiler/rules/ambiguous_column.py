"""ambiguous-column: an unqualified column that several joined tables have."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError


class AmbiguousColumn(Rule):
    id = "ambiguous-column"
    description = "a column that several tables in FROM have is qualified with its table"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for u in s.facts.unresolved:
                if u.kind == "ambiguous-column":
                    yield self.diag(f"column '{u.name}' is ambiguous: {_owners(u.candidates)} have it",
                                    u.location, u.hint)


def _owners(aliases: tuple[str, ...]) -> str:
    named = [f"'{a}'" for a in aliases if a]
    if len(named) != len(aliases):
        return f"{len(aliases)} tables in FROM"
    if len(named) == 2:
        return f"both {named[0]} and {named[1]}"
    return f"{', '.join(named[:-1])} and {named[-1]} all"
