"""syntax: SQL the Flink dialect cannot read, and UDF modules that do not import."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import SqlflowError, ValidationError


class Syntax(Rule):
    id = "syntax"
    description = "the file parses as Flink SQL and is simple enough to check; the UDF modules import"

    def check(self, project: Project) -> Iterable[SqlflowError]:
        for f in project.files:
            yield from f.errors
        yield from project.load_errors
        for s in project.statements:
            if s.facts.too_deep is not None:
                yield ValidationError("statement is nested too deeply to check", s.facts.too_deep,
                                      rule=self.id, hint="split the expression, e.g. into a view")
