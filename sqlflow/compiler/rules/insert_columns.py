"""insert-column-count: an INSERT writes more or fewer columns than the sink has."""

from __future__ import annotations

from typing import Iterable

from sqlglot import exp

from sqlflow.compiler.analysis import Project, StatementInfo
from sqlflow.compiler.rules.base import Rule, suggest
from sqlflow.errors import ValidationError


def sink_columns(s: StatementInfo) -> list[tuple[str, object]] | None:
    """The (name, FlinkType) pairs an INSERT writes, in query order; None if unknown."""
    if s.sink is None or s.relation is None:
        return None
    persisted = [c for c in s.sink.columns if c.persisted and c.name not in s.static_partitions]
    if s.insert_columns is None:
        return [(c.name, c.type) for c in persisted]
    by_name = {c.name: c for c in persisted}
    return [(n, by_name[n].type) for n, _ in s.insert_columns if n in by_name]


class InsertColumnCount(Rule):
    id = "insert-column-count"
    description = "an INSERT's query has as many columns as the sink (or its column list)"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            if s.kind not in ("insert",) or s.sink is None or s.relation is None:
                continue
            persisted = [c.name for c in s.sink.columns if c.persisted and c.name not in s.static_partitions]
            columns = [c.name for c in s.sink.columns]
            for name, loc in zip(s.static_partitions, s.static_partition_locations):
                if name not in columns:
                    yield self.diag(f"sink '{s.sink.name}' has no partition column '{name}'", loc,
                                    suggest(name, s.sink.partitioned_by or columns))
            for name, loc in s.insert_columns or []:
                if name not in persisted:
                    yield self.diag(f"sink '{s.sink.name}' has no column '{name}'", loc,
                                    suggest(name, persisted))
            targets = persisted if s.insert_columns is None else [n for n, _ in s.insert_columns]
            got = len(s.relation.columns)
            if got and got < len(targets):
                missing = _missing_comma(s)
                if missing is not None:  # the cause: two SELECT items read as one, with an alias
                    item, alias = missing
                    yield self.diag(f"missing ',' after '{item.sql(dialect='flink')}': '{alias}' reads as its "
                                    f"alias, so the query returns {got} columns for {len(targets)}",
                                    s.locate(item), f"write {item.sql(dialect='flink')}, {alias}")
                    continue
            if got and got != len(targets):
                yield self.diag(
                    f"query returns {got} column{'s' if got != 1 else ''}, but sink '{s.sink.name}' "
                    f"takes {len(targets)}", s.sink_location,
                    notes=[f"sink columns: {', '.join(targets)}",
                           f"query columns: {', '.join(c.name for c in s.relation.columns)}"])


def _missing_comma(s: StatementInfo) -> tuple[exp.Expression, str] | None:
    """A SELECT item of this INSERT aliased without AS by a name that looks like the next column."""
    for item, alias, _ in s.facts.lost_commas:
        return item, alias
    return None
