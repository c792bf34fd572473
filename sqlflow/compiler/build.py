"""Build the catalog from the parsed files and resolve every statement.

Two passes: the first records every definition (so a view may read a table
from another file), the second resolves each statement's queries. Views and
table schemas are resolved once, on first use, and remembered.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlglot import exp

from sqlflow.compiler.alter import apply_changes
from sqlflow.compiler.analysis import Project, StatementInfo
from sqlflow.compiler.catalog import (Catalog, Column, FunctionDef, ModelDef, TableDef, ViewDef,
                                      Watermark, column_defs, is_temporary, literal_text,
                                      parse_column, table_name, with_options)
from sqlflow.compiler.connectors import produces_updates
from sqlflow.compiler.expressions import ExprTyper, Scope
from sqlflow.compiler.facts import Col, Facts, Relation, Unresolved
from sqlflow.compiler.like import apply_like
from sqlflow.compiler.project import SourceFile, discover_udfs, load_sql_file, relpath, sql_files
from sqlflow.compiler.resolve import QueryResolver
from sqlflow.compiler.types import FlinkType
from sqlflow.config import Config
from sqlflow.errors import Location, ModelError
from sqlflow.udf import model_signature
from sqlflow.udf.spec import UdfSpec


def analyze(config: Config, paths: list[Path] | None = None) -> Project:
    """Load, parse and resolve a project (or only the given SQL files)."""
    root = config.root
    files = [load_sql_file(p, relpath(p, root), config) for p in sql_files(config, paths)]
    udfs, udf_errors = discover_udfs(config)
    catalog = Catalog()
    for spec in udfs:
        where = Location(relpath(Path(spec.file), root) if spec.file else str(config.udfs_dir), spec.line, 1)
        catalog.add(FunctionDef(spec.name, where.file, -1, where, f"udf {spec.module}.{spec.attr}",
                                spec=spec, target=f"{spec.module}.{spec.attr}"))
    for f in files:
        for kind, name in f.broken:
            catalog.add_broken(kind, name)
    statements = _statements(files)
    for info in statements:
        _define(info, catalog, udfs, config)
    apply_like(statements, catalog)
    apply_changes(statements, catalog, udfs)
    project = Project(config, files, catalog, statements, udfs, list(udf_errors))
    _Resolver(project).run()
    return project


def _statements(files: list[SourceFile]) -> list[StatementInfo]:
    out: list[StatementInfo] = []
    for f in files:
        settings: dict[str, str] = {}
        for i, st in enumerate(f.statements):
            node = st.expression
            base = dict(location=f.remap(st.location), settings=dict(settings))
            if isinstance(node, exp.Set):
                for item in node.expressions:
                    eq = item.this
                    if isinstance(eq, exp.EQ):
                        settings[literal_text(eq.this)] = literal_text(eq.expression)
                out.append(StatementInfo(f, i, st, node, "set", **base))
            elif type(node).__name__ == "StatementSet":
                for ins in node.expressions:
                    out.append(StatementInfo(f, i, st, ins, _kind(ins), in_statement_set=True, **base))
            else:
                out.append(StatementInfo(f, i, st, node, _kind(node), **base))
    return out


def _kind(node: exp.Expression) -> str:
    if isinstance(node, exp.Create):
        kind = str(node.args.get("kind") or "").upper()
        return {"TABLE": "table", "MATERIALIZED TABLE": "table", "VIEW": "view", "FUNCTION": "function",
                "MODEL": "model"}.get(kind, "other")
    if isinstance(node, exp.Alter):
        return "alter"
    if isinstance(node, exp.Drop):
        return "drop"
    if isinstance(node, exp.Insert):
        return "insert"
    if isinstance(node, exp.Query):
        return "query"
    return "other"


def _define(info: StatementInfo, catalog: Catalog, udfs: list[UdfSpec], config: Config) -> None:
    """Record the definition a CREATE statement makes."""
    node = info.node
    if info.kind not in ("table", "view", "function", "model"):
        return
    target = node.this.this if isinstance(node.this, exp.Schema) else node.this
    name = table_name(target)
    common = dict(name=name, file=info.file.rel, index=info.index,
                  location=info.locate(target), text="", node=node)
    if info.kind == "table":
        d: object = _table(info, node, common)
    elif info.kind == "view":
        q = node.expression
        cols = node.this.expressions if isinstance(node.this, exp.Schema) else []
        d = ViewDef(**common, query=q, column_names=tuple(c.name for c in cols))
        info.query = q
    elif info.kind == "function":
        path = literal_text(node.expression)
        lang = next((literal_text(p.this) for p in (node.args.get("properties") or exp.Properties()).expressions
                     if isinstance(p, exp.LanguageProperty)), "JAVA")
        spec = next((s for s in udfs if f"{s.module}.{s.attr}" == path), None)
        d = FunctionDef(**common, spec=spec, target=path, language=lang.upper())
    else:
        d = _model(info, node, common, config)
    info.definition = d  # type: ignore[assignment]
    catalog.add(d)  # type: ignore[arg-type]


def _table(info: StatementInfo, node: exp.Create, common: dict) -> TableDef:
    schema = node.this if isinstance(node.this, exp.Schema) else None
    items = schema.expressions if schema is not None else []
    props = node.args.get("properties")
    t = TableDef(**common, temporary=is_temporary(node), materialized=node.kind == "MATERIALIZED TABLE")
    for cdef in column_defs(items):
        c = parse_column(cdef)
        t.columns.append(Column(c.name, c.type, c.kind, c.expr, c.metadata_key, c.virtual, info.locate(cdef.this)))
    for item in items:
        if isinstance(item, exp.WatermarkColumnConstraint):
            col = item.this
            t.watermark = Watermark(col.name, item.expression, info.locate(col))
        elif isinstance(item, exp.PrimaryKey):
            t.primary_key = tuple(e.name for e in item.expressions)
    for key, value, prop in with_options(props):
        t.options[key] = value
        t.option_locations[key] = info.locate(prop.this)
    if props is not None:
        for p in props.expressions:
            if isinstance(p, exp.PartitionedByProperty):
                t.partitioned_by = tuple(c.name for c in p.this.expressions)
            elif isinstance(p, exp.LikeProperty):
                t.like = p
    if node.expression is not None:  # CREATE TABLE ... AS SELECT (and a materialized table) writes the table
        info.query = node.expression
        t.query = node.expression
    return t


def _model(info: StatementInfo, node: exp.Create, common: dict, config: Config) -> ModelDef:
    m = ModelDef(**common)
    props = node.args.get("properties")
    for p in (props.expressions if props is not None else []):
        kind = type(p).__name__
        if kind in ("InputModelProperty", "OutputModelProperty"):
            cols = [parse_column(c) for c in column_defs(p.this.expressions)]
            (m.inputs if kind.startswith("Input") else m.outputs).extend(cols)
    for key, value, _ in with_options(props):
        m.options[key] = value
    m.path = m.options.get("path") or m.options.get("model-file")
    if m.path:
        try:
            m.signature = model_signature(config.root / m.path)
        except ModelError as exc:
            m.load_error = exc.message.replace(str(config.root / m.path), m.path)
    return m


class _Resolver:
    """The second pass: resolve each statement, with per-project memos for views and tables."""

    def __init__(self, project: Project):
        self.project = project
        self.catalog = project.catalog
        self.by_definition = {id(s.definition): s for s in project.statements if s.definition is not None}
        self.views: dict[int, Relation] = {}
        self.tables: dict[int, Relation] = {}
        self.active: set[int] = set()

    def run(self) -> None:
        for info in self.project.statements:
            try:
                self._statement(info)
            except RecursionError:
                info.facts.too_deep = info.location

    def _statement(self, info: StatementInfo) -> None:
        if info.kind in ("table", "alter") and isinstance(info.definition, TableDef):
            self.table_relation(info.definition)  # resolves its query (CTAS, materialized table) too
        elif info.kind == "alter" and isinstance(info.definition, ViewDef):
            info.relation = self.view_relation(info.definition)
        elif info.kind == "view":
            info.relation = self.view_relation(info.definition)  # type: ignore[arg-type]
        elif info.kind == "insert":
            self._insert(info)
        elif info.kind == "query":
            info.relation = self._resolver(info).query(info.node)
            self._projection_locations(info, info.node)

    def _resolver(self, info: StatementInfo) -> QueryResolver:
        return QueryResolver(self.catalog.at(info.index), info.file.rel, info.facts,  # type: ignore[arg-type]
                             info.locate, self.view_relation, self.table_relation)

    def _insert(self, info: StatementInfo) -> None:
        node: exp.Insert = info.node  # type: ignore[assignment]
        target = node.this
        cols = None
        if isinstance(target, exp.Schema):
            cols = [(c.name, info.locate(c)) for c in target.expressions]
            target = target.this
        info.sink_name = table_name(target)
        part = target.args.get("partition")
        if part is not None:
            keys = [e.this for e in part.expressions if isinstance(e, exp.EQ)]
            info.static_partitions = tuple(k.name for k in keys)
            info.static_partition_locations = tuple(info.locate(k) for k in keys)
        info.sink_location = info.locate(target)
        info.insert_columns = cols
        info.query = node.expression
        d = self.catalog.relation(info.sink_name, info.file.rel, info.index)
        if d is None and not self.catalog.is_broken("relation", info.sink_name):
            info.facts.unresolved.append(Unresolved(
                "table", info.sink_name, info.sink_location, tuple(self.catalog.relations)))
        elif isinstance(d, TableDef):
            info.sink = d
            self.table_relation(d)
        if info.query is not None:
            info.relation = self._resolver(info).query(info.query)
            self._projection_locations(info, info.query)
            star = next((p for p in _top_select(info.query).expressions if isinstance(p, exp.Star)), None) \
                if _top_select(info.query) is not None else None
            if star is not None:
                info.facts.select_star = info.locate(star)

    @staticmethod
    def _projection_locations(info: StatementInfo, query: exp.Expression) -> None:
        sel = _top_select(query)
        if sel is None or any(isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star))
                              for p in sel.expressions):
            return
        info.projection_locations = [info.locate(p.this if isinstance(p, exp.Alias) else p)
                                     for p in sel.expressions]

    def _table_query(self, table: TableDef, info: StatementInfo) -> None:
        """A table's AS <query>: resolved once; its columns follow the declared ones (Flink's CTAS rule)."""
        rel = self._resolver(info).query(table.query)
        info.relation = rel
        self._projection_locations(info, table.query)
        declared = {c.name for c in table.columns}
        table.columns = table.columns + [Column(c.name, c.type.plain(), location=info.location)
                                         for c in rel.columns if c.name not in declared]

    def view_relation(self, view: ViewDef) -> Relation:
        key = id(view)
        if key in self.views:
            return self.views[key]
        if key in self.active or view.query is None:
            return Relation([])
        self.active.add(key)
        info = self.by_definition[key]
        rel = self._resolver(info).query(view.query)
        self._projection_locations(info, view.query)
        if view.column_names:
            rel = Relation([Col(n, c.type) for n, c in zip(view.column_names, rel.columns)],
                           rel.updating, rel.windowed, has_rowtime=rel.has_rowtime)
        self.active.discard(key)
        self.views[key] = rel
        return rel

    def table_relation(self, table: TableDef) -> Relation:
        key = id(table)
        if key in self.tables:
            return self.tables[key]
        info = self.by_definition.get(key)
        facts = info.facts if info is not None else Facts()
        locate = info.locate if info is not None else (lambda n: table.location)
        self.tables[key] = Relation([], opaque=True)  # while its query resolves (a query reading the table itself)
        if table.query is not None and info is not None:
            self._table_query(table, info)
        physical = Relation([Col(c.name, c.type) for c in table.columns if c.kind != "computed"])
        catalog = self.catalog.at(info.index) if info is not None else self.catalog
        typer = ExprTyper(catalog, table.file, facts, locate, lambda q, s: Relation([]))  # type: ignore[arg-type]
        cols: list[Col] = []
        for c in table.columns:
            t = c.type
            if c.kind == "computed":
                t = typer.typeof(c.expr, Scope([("", Relation(physical.columns + cols))]))
            cols.append(Col(c.name, t))
        table.columns = [replace(c, type=col.type) if c.kind == "computed" else c
                         for c, col in zip(table.columns, cols)]
        wm = table.watermark
        if wm is not None:
            scope = Scope([("", Relation(cols))])
            if not any(c.name == wm.column for c in cols):
                facts.unresolved.append(Unresolved("column", wm.column, wm.location or table.location,
                                                   tuple(c.name for c in cols)))
            else:
                typer.typeof(wm.expr, scope)
                cols = [Col(c.name, _rowtime(c.type)) if c.name == wm.column else c for c in cols]
        for key_col in table.primary_key:
            if not any(c.name == key_col for c in cols):
                facts.unresolved.append(Unresolved("column", key_col, table.location or Location(table.file),
                                                   tuple(c.name for c in cols)))
        rel = Relation(cols, produces_updates(table.options), has_rowtime=wm is not None)
        self.tables[key] = rel
        return rel


def _rowtime(t: FlinkType) -> FlinkType:
    return replace(t, time_attr="rowtime")


def _top_select(query: exp.Expression) -> exp.Select | None:
    while isinstance(query, exp.Subquery):
        query = query.this
    if isinstance(query, exp.SetOperation):
        return _top_select(query.left)
    return query if isinstance(query, exp.Select) else None
