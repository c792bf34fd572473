"""duplicate-column: the query of a view (or of CREATE TABLE ... AS) becomes a schema, and Flink refuses a
schema with two columns of the same name ("A column with the same name ... has been defined"); a CREATE
TABLE's own columns are the duplicate rule's."""

from __future__ import annotations

from typing import Iterable

from sqlflow.compiler.analysis import Project
from sqlflow.compiler.catalog import TableDef, ViewDef
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import ValidationError


class DuplicateColumn(Rule):
    id = "duplicate-column"
    description = "the query of a view or of CREATE TABLE ... AS gives each column its own name"

    def check(self, project: Project) -> Iterable[ValidationError]:
        for s in project.statements:
            d = s.definition
            if isinstance(d, (ViewDef, TableDef)) and s.query is not None and s.relation is not None:
                if isinstance(d, ViewDef) and d.column_names:
                    continue  # CREATE VIEW v (a, b) AS ...: the listed names are the view's
                names = [c.name for c in s.relation.columns]
                places = s.projection_locations
                for i, name in enumerate(names):
                    first = names.index(name)
                    if first < i:
                        where = places[i] if i < len(places) else s.location
                        yield self.diag(f"the query of {'view' if isinstance(d, ViewDef) else 'table'} "
                                        f"'{d.name}' gives two columns named '{name}' (columns {first + 1} and "
                                        f"{i + 1})", where,
                                        f"rename one with AS: Flink refuses a {'view' if isinstance(d, ViewDef) else 'table'}"
                                        " with two columns of one name")
