"""duplicate-definition: one name defined twice (in one file, or differently in two).

Each job file may declare its own (temporary) tables: a file sees its own
definition first. Files of only definitions are the shared catalog, and two
of them may not define one name differently. Columns of one table and keys of
one WITH clause must be unique too.
"""

from __future__ import annotations

from typing import Iterable

from sqlglot import exp

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.catalog import Definition, FunctionDef, with_options
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError


def _what(d: Definition) -> str:
    return type(d).__name__.replace("Def", "").lower()


class DuplicateDefinition(Rule):
    id = "duplicate-definition"
    description = "names of tables, views, functions, models, columns and options are unique"

    def check(self, project: Project) -> Iterable[ValidationError]:
        cat = project.catalog
        jobs = {f.rel for f in project.files if project.is_job(f)}
        for group in (cat.relations, cat.functions, cat.models):
            for defs in group.values():
                yield from self._names(defs, jobs)
        for s in project.statements:
            if s.kind != "table" or not isinstance(s.node.this, exp.Schema):
                continue
            seen: set[str] = set()
            for c in s.node.this.expressions:
                if isinstance(c, exp.ColumnDef):
                    if c.name in seen:
                        yield self.diag(f"column '{c.name}' is defined twice", s.locate(c.this))
                    seen.add(c.name)
            keys: set[str] = set()
            for key, _, prop in with_options(s.node.args.get("properties")):
                if key in keys:
                    yield self.diag(f"option '{key}' is set twice", s.locate(prop.this))
                keys.add(key)

    def _names(self, defs: list[Definition], jobs: set[str]) -> Iterable[ValidationError]:
        first: dict[str, Definition] = {}
        for d in defs:
            prev = first.get(d.file)
            if prev is not None and d.index >= 0 and not _if_not_exists(d):
                yield self.diag(f"{_what(d)} '{d.name}' is already defined at line "
                                f"{prev.location.line if prev.location else '?'}", d.location)
                continue
            first.setdefault(d.file, d)
        shared = [d for d in defs if d.file not in jobs]
        if not shared:
            return
        head = shared[0]
        for d in shared[1:]:
            if d.file == head.file:
                continue
            if isinstance(d, FunctionDef) and isinstance(head, FunctionDef):
                if d.target == head.target:
                    continue
            elif d.text == head.text:
                continue
            if isinstance(d, FunctionDef) and d.spec is not None and d.index >= 0 and head.index < 0:
                continue  # CREATE FUNCTION registering a UDF that udfs/ declares
            yield self.diag(f"{_what(d)} '{d.name}' is defined differently in {head.file}"
                            + (f":{head.location.line}" if head.location and head.location.line else ""),
                            d.location, "define it once, or make both definitions the same")


def _if_not_exists(d: Definition) -> bool:
    return d.text.upper().find("IF NOT EXISTS") >= 0
