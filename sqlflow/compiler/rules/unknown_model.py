"""unknown-model: ML_PREDICT over a model that no CREATE MODEL defines."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule, suggest
from sqlflow.errors import ValidationError


class UnknownModel(Rule):
    id = "unknown-model"
    description = "every model called is defined by CREATE MODEL"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            for u in s.facts.unresolved:
                if u.kind == "model":
                    yield self.diag(f"unknown model '{u.name}'", u.location, suggest(u.name, u.candidates))
