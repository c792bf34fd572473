"""unknown-column: a column that none of the tables in scope has."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule, suggest
from sqlflow.errors import ValidationError


class UnknownColumn(Rule):
    id = "unknown-column"
    description = "every column referenced exists in the tables in scope"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for u in s.facts.unresolved:
                if u.kind == "column":
                    hint = suggest(u.name.split(".")[-1], u.candidates)
                    yield self.diag(f"unknown column '{u.name}'", u.location, hint,
                                    [u.hint] if u.hint and not hint else None)
