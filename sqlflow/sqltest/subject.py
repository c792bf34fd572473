"""The job a test runs, read from the compiled project: its tables, its INSERTs, what it reads.

Nothing here parses or splits the job file: the statements are the
compiler's (:class:`~sqlflow.compiler.compiled.CompiledStatement`, ``${VARS}``
substituted), the tables are its catalog's
:class:`~sqlflow.compiler.catalog.TableDef` across the job's whole session
(a table read from a shared file such as ``sql/common/sources.sql`` is one of
them), and the INSERTs are its statements of kind insert. Locations are shown
with the job file as the test names it (relative to the working folder where
it lies under it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlglot import exp

from sqlflow.compiler.catalog import FunctionDef, TableDef, ViewDef
from sqlflow.compiler.compiled import CompiledProject, CompiledStatement, JobFile, compile_project
from sqlflow.config import Config, load_config
from sqlflow.dialect import expressions as fx
from sqlflow.errors import Location, SqlflowError
from sqlflow.paths import find_project_root
from sqlflow.sqltest.edit import after_first_word, insert_query


@dataclass(frozen=True)
class JobInsert:
    """One INSERT of the job: its target, its column list, and its query as written."""

    target: str
    columns: tuple[str, ...] | None
    query: str
    statement: CompiledStatement  # the INSERT alone (an INSERT of a statement set, or of EXECUTE, too)
    location: Location  # where the INSERT starts in the job file, as shown
    reads: frozenset[str] = frozenset()  # names its query reads directly (tables and views)
    overwrite: bool = False  # INSERT OVERWRITE: a batch job

    @property
    def sql(self) -> str:
        return self.statement.sql


@dataclass
class JobUnderTest:
    """A compiled job file and the facts a test needs."""

    job: JobFile
    file: str  # the job file as shown
    statements: tuple[CompiledStatement, ...]  # the session: shared definitions, then its own statements
    tables: dict[str, TableDef] = field(default_factory=dict)
    table_statements: dict[str, CompiledStatement] = field(default_factory=dict)
    inserts: list[JobInsert] = field(default_factory=list)
    reads: dict[str, Location] = field(default_factory=dict)  # table or view -> where it is first read
    views: dict[str, frozenset[str]] = field(default_factory=dict)  # view -> names it reads
    batch: bool = False
    text: str = ""  # the job file as written
    _shown: dict[str, str] = field(default_factory=dict, repr=False)
    _texts: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def name(self) -> str:
        """The job file's name (``ctr.sql``)."""
        return Path(self.file).name

    @property
    def written(self) -> dict[str, Location]:
        """Tables the job INSERTs into, and where it first does."""
        out: dict[str, Location] = {}
        for ins in self.inserts:
            out.setdefault(ins.target, ins.location)
        return out

    def tables_read_by(self, ins: JobInsert) -> set[str]:
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

    def shown(self, loc: Location | None) -> Location | None:
        """A compiler location with its file as the test shows it, and the file's text for the caret."""
        if loc is None:
            return None
        return replace(loc, file=self._shown.get(loc.file, loc.file),
                       source=loc.source if loc.source is not None else self._texts.get(loc.file))

    def show_error(self, err: SqlflowError) -> SqlflowError:
        err.location = self.shown(err.location)
        return err

    def python_functions(self) -> list[tuple[str, Location]]:
        """The Python UDFs the session's CREATE FUNCTION statements name ('udfs.pages.page_section'), each
        at its quoted name."""
        found = []
        for s in self.statements:
            d = s.info.definition if s.info is not None else None
            if isinstance(d, FunctionDef) and d.language == "PYTHON" and d.target and d.index >= 0:
                target = s.node.expression if s.node is not None else None
                where = s.info.locate(target) if isinstance(target, exp.Expression) else s.location
                found.append((d.target, self.shown(where)))
        return found


def shown_path(path: Path) -> str:
    """``path`` relative to the working folder where it lies under it, else absolute."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(resolved)


def outside_sql_folder(config: Config, path: Path) -> Path | None:
    """``path`` (resolved) when it lies outside the project's SQL folder: such a job is compiled on its own."""
    job = path.resolve()
    return job if config.sql_path.resolve() not in job.parents else None


def read_job(path: Path, config: Config | None = None) -> JobUnderTest:
    """The job file at ``path``, read through the compiler with its project (``config``, else the
    project that holds it)."""
    config = config or load_config(find_project_root(path.resolve().parent))
    alone = outside_sql_folder(config, path)
    return job_under_test(compile_project(config=config, paths=[alone] if alone else None), path)


def job_under_test(compiled: CompiledProject, path: Path) -> JobUnderTest:
    """The job at ``path`` in ``compiled``, with its tables and INSERTs; a SqlflowError when the compiled
    project lacks it."""
    job = compiled.file_of(path)
    if job is None:
        raise SqlflowError(f"{path} is not a SQL file of the project at {compiled.root}", rule="test-file")
    root = compiled.root
    # a test swaps the Kafka sinks, so it runs the statements without what the platform supplies them
    plain = tuple(replace(s, sql=s.plain_sql, plain_sql=None) if s.plain_sql is not None else s for s in job.session)
    subject = JobUnderTest(job=job, file=shown_path(path), statements=plain, batch=job.batch)
    for f in compiled.project.files:
        subject._texts[f.rel] = f.text
        if f.rel == job.path:
            subject.text = f.text
        subject._shown[f.rel] = subject.file if f.rel == job.path else shown_path(root / f.rel)
    for s in subject.statements:
        info = s.info
        d = info.definition if info is not None else None
        if s.kind == "table" and isinstance(d, TableDef):
            subject.tables.setdefault(d.name, d)
            subject.table_statements.setdefault(d.name, s)
            if s.node is not None and s.node.expression is not None:  # CREATE TABLE ... AS SELECT
                _record_reads(subject, s)
        elif s.kind == "view" and isinstance(d, ViewDef):
            subject.views[d.name] = frozenset(_record_reads(subject, s))
        elif s.kind == "insert":
            reads = _record_reads(subject, s)
            subject.inserts.append(_insert(subject, s, s.node, reads))
        elif is_insert(s):
            offset = after_first_word(s.sql)  # EXECUTE INSERT ...: the INSERT is the text after EXECUTE
            positions = s.positions
            if positions is not None and "\n" not in s.sql[:offset]:
                positions = replace(positions, column=positions.column + offset)
            alone = replace(s, sql=s.sql[offset:], kind="insert", positions=positions, node=s.node.this)
            subject.inserts.append(_insert(subject, alone, s.node.this, _record_reads(subject, s)))
    return subject


def is_insert(s: CompiledStatement) -> bool:
    """An INSERT: of kind insert, or an ``EXECUTE INSERT`` (which the compiler counts as other)."""
    return s.kind == "insert" or (isinstance(s.node, fx.Execute) and isinstance(s.node.this, exp.Insert))


def _record_reads(subject: JobUnderTest, s: CompiledStatement) -> set[str]:
    """Record where the statement reads each table and view (first place wins); return their names."""
    names: set[str] = set()
    for d, where in (s.info.facts.reads if s.info is not None else ()):
        if isinstance(d, (TableDef, ViewDef)):
            names.add(d.name)
            subject.reads.setdefault(d.name, subject.shown(where))
    return names


def _insert(subject: JobUnderTest, s: CompiledStatement, node: exp.Insert, reads: set[str]) -> JobInsert:
    target = node.this
    columns = None
    if isinstance(target, exp.Schema):
        columns = tuple(i.name for i in target.expressions)
        target = target.this
    name = target.this.name if isinstance(target, exp.Table) else target.name
    start, end = insert_query(s.sql, columns is not None)
    location = s.location if s.lowered or s.positions is None else s.locate(1, 1)
    return JobInsert(target=s.sink or name, columns=columns, query=s.sql[start:end], statement=s,
                     location=subject.shown(location), reads=frozenset(reads),
                     overwrite=bool(node.args.get("overwrite")))
