"""unknown-table: a table or view that no file of the project defines."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule, suggest
from sqlflow.errors import ValidationError


class UnknownTable(Rule):
    id = "unknown-table"
    description = "every table and view read or written is defined"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for u in s.facts.unresolved:
                if u.kind == "table":
                    yield self.diag(f"unknown table '{u.name}'", u.location, suggest(u.name, u.candidates))
