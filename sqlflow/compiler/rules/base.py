"""What every rule is: an id, a severity, and a check over the resolved project."""

from __future__ import annotations

from typing import Iterable, Iterator

from sqlflow.compiler.analysis import Project
from sqlflow.errors import Location, ValidationError, did_you_mean


class Rule:
    """A check named by ``id``; ``check`` yields the diagnostics it finds.

    Errors stop a deploy; warnings (lint) do not, and a statement silences one
    with ``-- sqlflow: disable=<id>``.
    """

    id: str = ""
    severity: str = "error"
    description: str = ""

    def check(self, project: Project) -> Iterable[ValidationError]:
        raise NotImplementedError

    def __call__(self, project: Project) -> Iterator[ValidationError]:
        yield from self.check(project)

    def diag(self, message: str, location: Location | None, hint: str | None = None,
             notes: list[str] | None = None) -> ValidationError:
        return ValidationError(message, location, rule=self.id, hint=hint,
                               severity=self.severity, notes=list(notes or []))


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """A "did you mean" hint for ``name`` among ``candidates``, or None."""
    best = did_you_mean(name, [c for c in candidates if c != name])
    return f"did you mean '{best}'?" if best else None
