"""ALTER and DROP: what they change in the catalog, for the statements after them.

Each ALTER makes a revision of the definition it changes (a copy with the
change applied, placed at the ALTER statement), so a statement sees the
table as it is at its own place in the file: ``ALTER TABLE t ADD c INT``
gives the later statements a column ``c``. ``RENAME TO`` and ``DROP``
leave a :class:`~sqlflow.compiler.catalog.DroppedDef` under the old name.
ALTER of a name that no statement defines, or of a column the table lacks,
is an unresolved name at its own place (Flink refuses it when it runs).
"""

from __future__ import annotations

from dataclasses import replace

from sqlglot import exp

from sqlflow.compiler.analysis import StatementInfo
from sqlflow.compiler.catalog import (Catalog, Column, Definition, DroppedDef, FunctionDef, ModelDef, TableDef,
                                      ViewDef, Watermark, literal_text, parse_column, table_name, with_options)
from sqlflow.compiler.facts import Unresolved
from sqlflow.compiler.types import ANY
from sqlflow.dialect import expressions as fx
from sqlflow.udf.spec import UdfSpec

_KINDS = {"TABLE": "relation", "VIEW": "relation", "MATERIALIZED TABLE": "relation", "FUNCTION": "function",
          "MODEL": "model"}


def apply_changes(statements: list[StatementInfo], catalog: Catalog, udfs: list[UdfSpec]) -> None:
    """Apply every ALTER and DROP, in file order, as revisions in ``catalog``."""
    for info in statements:
        if info.kind == "alter":
            _alter(info, catalog, udfs)
        elif info.kind == "drop":
            _drop(info, catalog)


def _lookup(catalog: Catalog, kind: str, name: str, info: StatementInfo) -> Definition | None:
    look = {"relation": catalog.relation, "function": catalog.function, "model": catalog.model}[kind]
    return look(name, info.file.rel, info.index)


def _drop(info: StatementInfo, catalog: Catalog) -> None:
    node: exp.Drop = info.node  # type: ignore[assignment]
    kind = _KINDS.get(str(node.args.get("kind") or "").replace("SYSTEM ", ""))
    if kind is None:
        return
    for target in node.args.get("tables") or []:
        name = table_name(target)
        if _lookup(catalog, kind, name, info) is None and not node.args.get("exists"):
            _unresolved(info, catalog, kind, name, target)
            continue
        catalog.add(DroppedDef(name, info.file.rel, info.index, info.locate(target), "", kind=kind))


def _unresolved(info: StatementInfo, catalog: Catalog, kind: str, name: str, node: exp.Expression) -> None:
    if catalog.is_broken(kind if kind != "relation" else "relation", name):
        return
    names = {"relation": catalog.relations, "function": catalog.functions, "model": catalog.models}[kind]
    info.facts.unresolved.append(Unresolved("table" if kind == "relation" else kind, name, info.locate(node),
                                            tuple(names)))


def _alter(info: StatementInfo, catalog: Catalog, udfs: list[UdfSpec]) -> None:
    node: exp.Alter = info.node  # type: ignore[assignment]
    kind = _KINDS.get(str(node.args.get("kind") or ""))
    if kind is None or not node.args.get("actions"):
        return  # ALTER CATALOG / DATABASE change nothing the compiler reads
    name = table_name(node.this)
    base = _lookup(catalog, kind, name, info)
    if base is None:
        if not node.args.get("exists"):
            _unresolved(info, catalog, kind, name, node.this)
        return
    rev = _revision(base, info)
    action = node.args["actions"][0]
    if isinstance(action, exp.AlterRename):
        rev.name = table_name(action.this)
        catalog.add(DroppedDef(name, info.file.rel, info.index, info.locate(node.this), "", kind=kind))
    elif isinstance(rev, TableDef):
        _alter_table(rev, action, info)
    elif isinstance(rev, ViewDef) and isinstance(action, fx.AlterAs):
        rev.query = action.this
        info.query = action.this
    elif isinstance(rev, FunctionDef):
        impl = action.expressions[0] if isinstance(action, exp.Tuple) else action
        rev.target = literal_text(impl)
        if isinstance(action, exp.Tuple):
            rev.language = action.expressions[1].name.upper()
        rev.spec = next((s for s in udfs if f"{s.module}.{s.attr}" == rev.target), None)
    elif isinstance(rev, ModelDef) and isinstance(action, fx.AlterOptions):
        _set_options(rev.options, action)
    info.definition = rev
    catalog.add(rev)


def _revision(base: Definition, info: StatementInfo) -> Definition:
    copy = replace(base, file=info.file.rel, index=info.index, location=info.location, revision_of=base)
    if isinstance(copy, TableDef):
        copy.columns = list(base.columns)  # type: ignore[attr-defined]
        copy.options = dict(base.options)  # type: ignore[attr-defined]
        copy.option_locations = dict(base.option_locations)  # type: ignore[attr-defined]
    elif isinstance(copy, ModelDef):
        copy.options = dict(base.options)  # type: ignore[attr-defined]
    return copy


def _set_options(options: dict[str, str], action: fx.AlterOptions) -> None:
    if action.args.get("reset"):
        for key in action.expressions:
            options.pop(literal_text(key), None)
    else:
        for key, value, _ in with_options(exp.Properties(expressions=action.expressions)):
            options[key] = value


def _alter_table(t: TableDef, action: exp.Expression, info: StatementInfo) -> None:
    if isinstance(action, fx.AlterOptions):
        _set_options(t.options, action)
        for key, _, prop in with_options(exp.Properties(expressions=action.expressions)):
            t.option_locations[key] = info.locate(prop.this)
    elif isinstance(action, fx.AlterAs):
        t.query = action.this
        info.query = action.this
    elif isinstance(action, exp.RenameColumn):
        old = action.this
        col = _column(t, old, info)
        if col is not None:
            new = action.args["to"].name
            t.columns = [replace(c, name=new) if c is col else c for c in t.columns]
            if t.watermark is not None and t.watermark.column == col.name:
                t.watermark = replace(t.watermark, column=new)
            t.primary_key = tuple(new if k == col.name else k for k in t.primary_key)
    elif isinstance(action, fx.AlterSchema):
        for item in action.expressions:
            _add_or_modify(t, action.name, item, info)
    elif isinstance(action, fx.AlterDrop):
        kind = action.args.get("kind")
        if kind == "PRIMARY KEY" or kind == "CONSTRAINT":
            t.primary_key = ()
        elif kind == "WATERMARK":
            t.watermark = None
        elif kind is None:
            for name in action.expressions:
                col = _column(t, name, info)
                if col is not None and not _nested(name):
                    t.columns = [c for c in t.columns if c is not col]


def _nested(name: exp.Expression) -> bool:
    """``row_col.field``: a field inside a ROW column (the column's type changes, not the column list)."""
    return isinstance(name, (exp.Column, exp.Dot))


def _top_name(name: exp.Expression) -> str:
    if isinstance(name, exp.Column):
        return name.parts[0].name
    if isinstance(name, exp.Dot):
        return _top_name(name.this)
    return name.name


def _column(t: TableDef, name: exp.Expression, info: StatementInfo) -> Column | None:
    """The column ``name`` names (its top-level column for ``row.field``), or an unresolved column."""
    top = _top_name(name)
    col = t.column(top)
    if col is None:
        info.facts.unresolved.append(Unresolved("column", name.sql(dialect="flink"), info.locate(name),
                                                tuple(c.name for c in t.columns)))
    return col


def _add_or_modify(t: TableDef, verb: str, item: exp.Expression, info: StatementInfo) -> None:
    if isinstance(item, exp.WatermarkColumnConstraint):
        t.watermark = Watermark(item.this.name, item.expression, info.locate(item.this))
    elif isinstance(item, exp.PrimaryKey):
        t.primary_key = tuple(e.name for e in item.expressions)
    elif isinstance(item, exp.Constraint):
        pk = item.expressions[0]
        t.primary_key = tuple(e.name for e in pk.expressions)
    elif isinstance(item, exp.ColumnDef):
        name = item.this
        if _nested(name):  # a field of a ROW column: that column's type is no longer what it was declared
            col = _column(t, name, info)
            if col is not None:
                t.columns = [replace(c, type=ANY) if c is col else c for c in t.columns]
            return
        existing = t.column(name.name)
        if verb == "MODIFY" and existing is None:
            _column(t, name, info)
            return
        parsed = parse_column(item)
        new = Column(parsed.name, parsed.type, parsed.kind, parsed.expr, parsed.metadata_key, parsed.virtual,
                     info.locate(name))
        cols = [c for c in t.columns if c.name != new.name]
        position = item.args.get("position")
        at = next((i for i, c in enumerate(t.columns) if c.name == new.name), len(cols)) \
            if existing is not None else len(cols)
        if position is not None and position.args.get("position") == "FIRST":
            at = 0
        elif position is not None and position.this is not None:
            after = next((i for i, c in enumerate(cols) if c.name == position.this.name), None)
            at = len(cols) if after is None else after + 1
        cols.insert(min(at, len(cols)), new)
        t.columns = cols
