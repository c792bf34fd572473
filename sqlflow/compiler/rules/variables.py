"""undefined-variable: ``${NAME}`` that neither sqlflow.yaml vars nor the environment sets."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule, suggest
from sqlflow.errors import Location, ValidationError


class UndefinedVariable(Rule):
    id = "undefined-variable"
    description = "every ${NAME} in SQL is set in sqlflow.yaml vars or the environment"

    def check(self, project: Project) -> Iterable[ValidationError]:
        known = list(project.config.vars)
        for f in project.files:
            for sub in f.substitutions:
                if not sub.defined:
                    loc = Location(f.rel, sub.line, sub.column, sub.length, f.text)
                    yield self.diag(
                        f"${{{sub.name}}} is not set", loc,
                        suggest(sub.name, known)
                        or f"set it under vars: in sqlflow.yaml, or export {sub.name}=...")
