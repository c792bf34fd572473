"""unknown-column: a column that none of the tables in scope has."""

from __future__ import annotations

from typing import Iterable

from sqlglot import exp

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.rules.base import Rule, suggest
from sqlflow.errors import ValidationError


class UnknownColumn(Rule):
    id = "unknown-column"
    description = "every column referenced exists in the tables in scope"

    def check(self, project: Project) -> Iterable[ValidationError]:
        owners = {id(s.definition): s for s in project.statements if s.definition is not None}
        for s in project.statements:
            sources = _upstream(s, owners)
            lost = {(e.name if isinstance(e, exp.Column) else e.sql(dialect="flink")): (alias, loc)
                    for src in sources for e, alias, loc in src.facts.lost_commas}
            for u in s.facts.unresolved:
                if u.kind == "column" and u.name.split(".")[-1] in lost:
                    # `x` is unknown because a lost comma made it `x AS next_column` upstream: say that, there
                    alias, loc = lost[u.name.split(".")[-1]]
                    name = u.name.split(".")[-1]
                    yield self.diag(f"missing ',' after '{name}': '{alias}' reads as its alias, so later '{name}'"
                                    " is unknown", loc, f"write {name}, {alias}")
                    continue
                if u.kind == "column":
                    hint = suggest(u.name.split(".")[-1], u.candidates)
                    yield self.diag(f"unknown column '{u.name}'", u.location, hint,
                                    [u.hint] if u.hint and not hint else None)


def _upstream(s, owners: dict) -> list:
    """The statement and every view definition it reads, through views."""
    out, todo, seen = [s], [s], {id(s)}
    while todo:
        for d, _ in todo.pop().facts.reads:
            owner = owners.get(id(d))
            if owner is not None and id(owner) not in seen:
                seen.add(id(owner))
                out.append(owner)
                todo.append(owner)
    return out
