"""What a test needs to know about a job file: its tables, its INSERTs, the tables it reads.

The file is parsed with the Flink dialect only to find these; the statements
themselves run as written (their text is kept verbatim).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlglot import exp

from sqlflow.dialect import parse_script, with_options
from sqlflow.dialect import expressions as fx
from sqlflow.errors import Location
from sqlflow.sqltest.scan import insert_query


@dataclass(frozen=True)
class Column:
    """A column of a CREATE TABLE: physical, computed or metadata."""

    name: str
    type: str | None  # the type as the dialect writes it; None for a computed column
    kind: str  # "physical" | "computed" | "metadata"
    virtual: bool = False

    @property
    def persisted(self) -> bool:
        """Written by an INSERT: physical and non-virtual metadata columns."""
        return self.kind == "physical" or (self.kind == "metadata" and not self.virtual)


@dataclass(frozen=True)
class TableDef:
    """One ``CREATE TABLE`` of the job."""

    name: str
    statement: int  # index into JobFile.statements
    location: Location
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    options: dict[str, str]
    like: bool = False
    as_select: bool = False

    @property
    def connector(self) -> str:
        return self.options.get("connector", "")

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    def persisted(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.persisted)


@dataclass(frozen=True)
class Insert:
    """One INSERT: its target, its column list (if any) and its query text as written."""

    target: str
    columns: tuple[str, ...] | None
    query: str
    sql: str
    location: Location
    statement: int
    reads: frozenset[str] = frozenset()  # names its query reads directly (tables and views)
    overwrite: bool = False  # INSERT OVERWRITE: a batch job


@dataclass(frozen=True)
class JobStatement:
    """A statement of the job file as written, and what kind it is."""

    sql: str
    kind: str  # "create_table" | "insert" | "statement_set" | "set" | "other"
    location: Location
    table: str | None = None


@dataclass
class JobFile:
    """The statements of one job file and the facts a test needs."""

    path: Path
    text: str
    statements: list[JobStatement] = field(default_factory=list)
    tables: dict[str, TableDef] = field(default_factory=dict)
    inserts: list[Insert] = field(default_factory=list)
    reads: dict[str, Location] = field(default_factory=dict)  # table -> where it is first read
    views: dict[str, frozenset[str]] = field(default_factory=dict)  # view -> names it reads

    def tables_read_by(self, ins: Insert) -> set[str]:
        """The job's tables that an INSERT's query reads, through views."""
        seen: set[str] = set()
        todo = list(ins.reads)
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            todo.extend(self.views.get(name, ()))
        return {n for n in seen if n in self.tables}

    @property
    def batch(self) -> bool:
        """True for a batch job: an INSERT OVERWRITE, or ``SET 'execution.runtime-mode' = 'batch'``."""
        mode = re.compile(r"'execution\.runtime-mode'\s*=\s*'batch'", re.I)
        return any(i.overwrite for i in self.inserts) or any(
            s.kind == "set" and mode.search(s.sql) for s in self.statements)

    @property
    def written(self) -> dict[str, Location]:
        out: dict[str, Location] = {}
        for ins in self.inserts:
            out.setdefault(ins.target, ins.location)
        return out


def read_job(path: Path) -> JobFile:
    """Parse a job file (a ParseError or Diagnostics if it does not parse)."""
    text = path.read_text(encoding="utf-8")
    parsed = parse_script(text, str(path))
    job = JobFile(path=path, text=text)
    for index, stmt in enumerate(parsed):
        node = stmt.expression
        if isinstance(node, exp.Create) and (node.args.get("kind") or "").upper() == "TABLE":
            table = _table_def(node, index, stmt.location)
            job.tables[table.name] = table
            job.statements.append(JobStatement(stmt.sql, "create_table", stmt.location, table.name))
            if table.as_select:
                _collect_reads(node.expression, stmt, job)
        elif isinstance(node, exp.Insert):
            names = _collect_reads(node.expression, stmt, job)
            job.inserts.append(_insert(node, stmt.sql, stmt.location, index, names))
            job.statements.append(JobStatement(stmt.sql, "insert", stmt.location))
        elif isinstance(node, (fx.StatementSet, fx.Execute)):
            nodes = node.expressions if isinstance(node, fx.StatementSet) else [node.this]
            raw = [stmt.text_of(n) for n in nodes] \
                if isinstance(node, fx.StatementSet) else [stmt.sql.split(None, 1)[1]]
            for ins_node, ins_sql in zip(nodes, raw):
                if isinstance(ins_node, exp.Insert):
                    names = _collect_reads(ins_node.expression, stmt, job)
                    job.inserts.append(_insert(ins_node, ins_sql, stmt.locate(ins_node), index, names))
            job.statements.append(JobStatement(stmt.sql, "statement_set", stmt.location))
        else:
            kind = "set" if isinstance(node, exp.Set) else "other"
            job.statements.append(JobStatement(stmt.sql, kind, stmt.location))
            if isinstance(node, exp.Create) and node.expression is not None:
                names = _collect_reads(node.expression, stmt, job)
                if (node.args.get("kind") or "").upper() == "VIEW":
                    view = node.this.this if isinstance(node.this, exp.Schema) else node.this
                    job.views[_name(view)] = frozenset(names)
    return job


_PY_FUNCTION = re.compile(r"^\s*CREATE\s+(?:TEMPORARY\s+)?(?:SYSTEM\s+)?FUNCTION\s+.*?\bAS\s+'([^']+)'"
                          r"\s+LANGUAGE\s+PYTHON\b", re.I | re.S)


def python_functions(job: JobFile) -> list[tuple[str, Location]]:
    """The Python UDFs the job's CREATE FUNCTION statements name ('udfs.pages.page_section'), each
    with the place of its quoted name."""
    found = []
    for stmt in job.statements:
        m = _PY_FUNCTION.match(stmt.sql) if stmt.kind == "other" else None
        if m:
            found.append((m.group(1), _offset(stmt.location, stmt.sql, m.start(1) - 1, len(m.group(1)) + 2)))
    return found


def _offset(start: Location, sql: str, index: int, length: int) -> Location:
    before = sql[:index]
    lines = before.count("\n")
    column = (start.column + index) if not lines else index - before.rfind("\n")
    return Location(start.file, start.line + lines, column, length, source=start.source)


def _name(table: exp.Expression) -> str:
    return table.this.name if isinstance(table, exp.Table) else table.name


def _table_def(node: exp.Create, index: int, location: Location) -> TableDef:
    schema = node.this
    table = schema.this if isinstance(schema, exp.Schema) else schema
    columns: list[Column] = []
    pk: list[str] = []
    for item in schema.expressions if isinstance(schema, exp.Schema) else []:
        if isinstance(item, exp.ColumnDef):
            cons = [c.args.get("kind") for c in item.args.get("constraints") or []]
            kind, virtual = "physical", False
            for con in cons:
                if isinstance(con, exp.ComputedColumnConstraint):
                    kind = "computed"
                elif isinstance(con, fx.MetadataColumnConstraint):
                    kind, virtual = "metadata", bool(con.args.get("virtual"))
                elif isinstance(con, exp.PrimaryKeyColumnConstraint):
                    pk.append(item.this.name)
            dtype = item.args.get("kind")
            columns.append(Column(item.this.name, dtype.sql(dialect="flink") if dtype else None, kind, virtual))
        elif isinstance(item, exp.PrimaryKey):
            pk.extend(i.name for i in item.expressions)
        elif isinstance(item, exp.Constraint):
            for sub in item.expressions:
                if isinstance(sub, exp.PrimaryKey):
                    pk.extend(i.name for i in sub.expressions)
    props = node.args.get("properties")
    like = any(isinstance(p, exp.LikeProperty) for p in (props.expressions if props else []))
    return TableDef(name=_name(table), statement=index, location=location, columns=tuple(columns),
                    primary_key=tuple(pk), options=with_options(node), like=like,
                    as_select=node.expression is not None)


def _insert(node: exp.Insert, sql: str, location: Location, index: int, reads: set[str]) -> Insert:
    target = node.this
    cols = None
    if isinstance(target, exp.Schema):
        cols = tuple(i.name for i in target.expressions)
        target = target.this
    start, end = insert_query(sql)
    return Insert(target=_name(target), columns=cols, query=sql[start:end], sql=sql,
                  location=location, statement=index, reads=frozenset(reads),
                  overwrite=bool(node.args.get("overwrite")))


def _collect_reads(query: exp.Expression | None, stmt, job: JobFile) -> set[str]:
    """Record the names a query reads (CTEs aside) in ``job.reads``; return them."""
    names: set[str] = set()
    if query is None:
        return names
    ctes = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
    for table in query.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            continue  # ML_PREDICT(...) and other table functions
        name = table.this.name
        if name in ctes and not table.args.get("db"):
            continue
        names.add(name)
        job.reads.setdefault(name, stmt.locate(table))
    return names
