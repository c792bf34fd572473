"""duplicate-definition: one name defined twice (in one file, in one job's session, or differently in two files).

Each job file may declare its own (temporary) tables: a file sees its own
definition first. Files of only definitions are the shared catalog, and two
of them may not define one name differently. A job runs with the shared
definitions it reads (through a view, say); defining one of those again in
the job fails in Flink ("already exists"), as does defining a name twice in
one file without a DROP between. Columns of one table (also those an ALTER
TABLE ... ADD brings) and keys of one WITH clause must be unique too.
"""

from __future__ import annotations

from typing import Iterable

from sqlglot import exp

from sqlflow.compiler.analysis import Project, StatementInfo
from sqlflow.compiler.catalog import Definition, DroppedDef, FunctionDef, TableDef, ViewDef, with_options
from sqlflow.dialect import expressions as fx
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
        for f in project.files:
            if f.rel in jobs:
                yield from self._session(project, f)
        for s in project.statements:
            if s.kind == "alter":
                yield from self._added_columns(s)
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
        for d in sorted(defs, key=lambda d: (d.file, d.index)):
            if isinstance(d, DroppedDef):
                first.pop(d.file, None)
                continue
            if d.revision_of is not None and d.revision_of.name == d.name:
                continue  # an ALTER of the definition in force, not a second one
            prev = first.get(d.file)
            if prev is not None and d.index >= 0 and not _if_not_exists(d):
                yield self.diag(f"{_what(d)} '{d.name}' is already defined at line "
                                f"{prev.location.line if prev.location else '?'}", d.location)
                continue
            first.setdefault(d.file, d)
        defs = [d for d in defs if not isinstance(d, DroppedDef) and d.revision_of is None]
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
            elif d.sql == head.sql:
                continue
            if isinstance(d, FunctionDef) and d.spec is not None and d.index >= 0 and head.index < 0:
                continue  # CREATE FUNCTION registering a UDF that udfs/ declares
            yield self.diag(f"{_what(d)} '{d.name}' is defined differently in {head.file}"
                            + (f":{head.location.line}" if head.location and head.location.line else ""),
                            d.location, "define it once, or make both definitions the same")


    def _session(self, project: Project, f) -> Iterable[ValidationError]:
        """A job that defines a name its session also takes from a shared file (Flink: "already exists")."""
        own = {(_group(s.definition), s.definition.name.lower() if isinstance(s.definition, FunctionDef)
                else s.definition.name): s for s in project.in_file(f)
               if s.definition is not None and s.definition.revision_of is None and s.kind != "alter"}
        for d, via in _imports(project, f).values():
            s = own.get((_group(d), d.name.lower() if isinstance(d, FunctionDef) else d.name))
            if s is None or s.definition is d:
                continue
            where = f"{d.file}:{d.location.line}" if d.location and d.location.line else d.file
            yield self.diag(f"{_what(d)} '{d.name}' is already defined in this job's session by {where}"
                            f" (the job reads it through {via})", s.definition.location,
                            f"remove this definition and use the one in {d.file}, or rename one of them")

    def _added_columns(self, s: StatementInfo) -> Iterable[ValidationError]:
        """``ALTER TABLE t ADD c ...`` where ``t`` has ``c`` already."""
        action = (s.node.args.get("actions") or [None])[0]
        base = s.definition.revision_of if s.definition is not None else None
        if not isinstance(action, fx.AlterSchema) or action.name != "ADD" or not isinstance(base, TableDef):
            return
        for item in action.expressions:
            if isinstance(item, exp.ColumnDef) and isinstance(item.this, exp.Identifier) and base.column(item.name):
                yield self.diag(f"column '{item.name}' already exists in '{base.name}'", s.locate(item.this),
                                f"use ALTER TABLE {base.name} MODIFY {item.name} ... to change it")


def _group(d: Definition) -> str:
    return "function" if isinstance(d, FunctionDef) else "model" if type(d).__name__ == "ModelDef" else "relation"


def _imports(project: Project, f) -> dict[int, tuple[Definition, str]]:
    """The definitions of other files that the job ``f`` takes into its session, each with what reads it."""
    out: dict[int, tuple[Definition, str]] = {}
    owners = {id(s.definition): s for s in project.statements if s.definition is not None}
    seen: set[int] = set()

    def visit(info: StatementInfo, via: str | None) -> None:
        for d, _ in info.facts.reads:
            if d.file != f.rel:
                out.setdefault(id(d), (d, via or f"'{d.name}'"))
            if isinstance(d, ViewDef) and id(d) not in seen and id(d) in owners:
                seen.add(id(d))
                visit(owners[id(d)], via or f"view '{d.name}'")

    for info in project.in_file(f):
        visit(info, None)
    return out


def _if_not_exists(d: Definition) -> bool:
    return d.sql.upper().find("IF NOT EXISTS") >= 0
