"""The compile result the deploy step builds its plan from.

:func:`compile_project` loads, resolves and checks a project and returns a
frozen :class:`CompiledProject`: the catalog, each SQL file's statements in
order with the UDFs and models it uses and a content hash, and every
diagnostic (errors and lint warnings) sorted by place.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from sqlflow.compiler.analysis import Project, StatementInfo
from sqlflow.compiler.build import analyze
from sqlflow.compiler.catalog import Catalog, Definition, TableDef, ViewDef
from sqlflow.compiler.rules import RULES, Rule
from sqlflow.config import Config, load_config
from sqlflow.errors import Location, SqlflowError
from sqlflow.udf.spec import UdfSpec

_DISABLE = re.compile(r"--\s*sqlflow:\s*disable\s*=\s*([\w\-, ]+)")


@dataclass(frozen=True)
class CompiledStatement:
    """One statement of a job file: its kind, formatted SQL and where it was written."""

    kind: str  # table | view | function | model | insert | query | set | other
    sql: str  # the statement in the dialect's normal form
    location: Location
    sink: str | None = None  # the table an INSERT writes
    in_statement_set: bool = False


@dataclass(frozen=True)
class JobFile:
    """One SQL file: a job when it holds INSERTs.

    ``requires`` lists definitions from other files that its statements read
    (a deploy prepends them); ``hash`` is the sha256 of its normalized SQL,
    those definitions, and the UDF sources and model files it uses.
    """

    path: str  # relative to the project root
    statements: tuple[CompiledStatement, ...]
    sources: tuple[str, ...]  # tables read (through views too)
    sinks: tuple[str, ...]
    udfs: tuple[str, ...]  # UDF SQL names called
    udf_modules: tuple[str, ...]  # their Python modules
    models: tuple[str, ...]  # model files used, relative to the root
    requires: tuple[str, ...]  # "file:line" of definitions taken from other files
    hash: str

    @property
    def is_job(self) -> bool:
        return any(s.kind == "insert" for s in self.statements)


@dataclass(frozen=True)
class CompiledProject:
    """A checked project. ``ok`` is False when any diagnostic is an error.

    ``catalog`` and ``project`` (the resolved statements) are shared, read-only views.
    """

    root: Path
    config: Config
    catalog: Catalog
    jobs: tuple[JobFile, ...]
    udfs: tuple[UdfSpec, ...]
    diagnostics: tuple[SqlflowError, ...]
    project: Project

    @property
    def errors(self) -> tuple[SqlflowError, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[SqlflowError, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    def job(self, path: str) -> JobFile:
        return next(j for j in self.jobs if j.path == path)


def compile_project(root: Path | str | None = None, paths: list[Path] | None = None,
                    rules: tuple[Rule, ...] = RULES) -> CompiledProject:
    """Load, resolve and check the project at ``root`` (or only ``paths`` within it).

    Never raises for problems in the user's files: they are diagnostics. A
    broken sqlflow.yaml is the one exception (a ConfigError), since nothing
    else can be read without it.
    """
    config = load_config(Path(root) if root else None)
    project = analyze(config, paths)
    diagnostics = run_rules(project, rules)
    jobs = tuple(_job(project, f) for f in project.files)
    return CompiledProject(config.root, config, project.catalog, jobs, tuple(project.udfs),
                           tuple(diagnostics), project)


def run_rules(project: Project, rules: tuple[Rule, ...] = RULES) -> list[SqlflowError]:
    """Every rule's diagnostics, without lint silenced in place, sorted by file and line."""
    out: list[SqlflowError] = []
    seen: set[tuple] = set()
    order = {r.id: i for i, r in enumerate(rules)}
    disabled = _disabled_by_statement(project)
    for rule in rules:
        for d in rule(project):
            key = (d.rule, str(d.location), d.message)
            if key in seen:
                continue
            seen.add(key)
            if d.severity == "warning" and d.location is not None:
                st = project.statement_at(d.location)
                if st is not None and d.rule in disabled.get(id(st.statement), set()):
                    continue
            out.append(d)
    out = _without_knock_ons(project, out)
    out.sort(key=lambda d: (d.location.file if d.location else "", d.location.line if d.location else 0,
                            d.location.column if d.location else 0, order.get(d.rule, 99)))
    return out


#: Rules whose findings assume the statement resolves and types cleanly: where the statement has an
#: error of another rule (an unknown name, a grouping mistake, a syntax error...), theirs are knock-ons
#: of that cause (a column count off by the column the cause lost) and are left out, so the cause is
#: the first and only thing said about the statement.
DERIVED_RULES = frozenset({"insert-column-count", "insert-column-type", "append-only-sink", "missing-watermark",
                           "streaming-sort", "state-ttl", "select-star-sink", "proctime-window"})


def _without_knock_ons(project: Project, diagnostics: list[SqlflowError]) -> list[SqlflowError]:
    """Drop derived findings of a statement with an error, or that reads a definition with one
    (Flink refuses that definition, and every statement reading it fails with it)."""
    def info(d: SqlflowError) -> StatementInfo | None:
        return project.statement_at(d.location) if d.location is not None and d.location.line else None

    causes = {id(st.statement) for d in diagnostics
              if d.severity == "error" and d.rule not in DERIVED_RULES and (st := info(d)) is not None}
    broken = {id(s.definition) for s in project.statements
              if s.definition is not None and id(s.statement) in causes}
    grew = True
    while grew:  # a view over a broken definition is broken too
        grew = False
        for s in project.statements:
            if s.definition is not None and id(s.definition) not in broken \
                    and any(id(r) in broken for r, _ in s.facts.reads):
                broken.add(id(s.definition))
                grew = True

    def knock_on(d: SqlflowError) -> bool:
        st = info(d)
        if d.rule not in DERIVED_RULES or st is None:
            return False
        return id(st.statement) in causes or any(id(r) in broken for r, _ in st.facts.reads)

    return [d for d in diagnostics if not knock_on(d)]


def _disabled_by_statement(project: Project) -> dict[int, set[str]]:
    """Rule ids each statement silences with ``-- sqlflow: disable=...`` in or just before it.

    Keyed by the parsed statement, so the INSERTs of one statement set share a switch.
    """
    out: dict[int, set[str]] = {}
    for f in project.files:
        lines = f.text.split("\n")
        prev_end = 0
        for st in f.statements:
            loc = f.remap(st.location)
            end = loc.line + str(getattr(st, "sql", "")).count("\n")
            region = "\n".join(lines[prev_end:end])
            ids: set[str] = set()
            for m in _DISABLE.finditer(region):
                ids.update(x.strip() for x in m.group(1).split(",") if x.strip())
            out[id(st)] = ids
            prev_end = max(prev_end, end)
    return out


# --------------------------------------------------------------------- jobs

def _job(project: Project, f) -> JobFile:
    infos = project.in_file(f)
    reads: list[Definition] = []
    udfs: dict[str, UdfSpec | None] = {}
    models: list[str] = []
    sinks: list[str] = []
    seen_views: set[int] = set()

    def collect(info: StatementInfo) -> None:
        for d, _ in info.facts.reads:
            reads.append(d)
            if isinstance(d, ViewDef) and id(d) not in seen_views:
                seen_views.add(id(d))
                owner = next((s for s in project.statements if s.definition is d), None)
                if owner is not None:
                    collect(owner)
        for call in info.facts.calls:
            if call.udf is not None:
                udfs[call.udf.name] = call.udf.spec
                if call.udf.spec is not None and call.udf.spec.model:
                    models.append(call.udf.spec.model)
                if call.udf.index >= 0:  # a CREATE FUNCTION (of this file or a shared one)
                    shared.append(call.udf)
        for p in info.facts.predicts:
            shared.append(p.model)
            if p.model.path:
                models.append(p.model.path)

    shared: list[Definition] = []
    for info in infos:
        collect(info)
        if info.kind == "insert" and info.sink_name:
            sinks.append(info.sink_name)
            if info.sink is not None:
                shared.append(info.sink)  # a sink defined in another file must be in the session too
        if info.kind == "alter" and info.definition is not None and info.definition.revision_of is not None:
            shared.append(info.definition.revision_of)  # the table an ALTER changes must exist in the session
    for d in reads + shared:  # an ALTER's table comes from where it was created
        while d.revision_of is not None:
            d = d.revision_of
            shared.append(d)
    sources = sorted({d.name for d in reads if isinstance(d, TableDef)})
    for d in list(reads):  # CREATE TABLE ... LIKE needs its base defined first
        while isinstance(d, TableDef) and d.like_base is not None:
            d = d.like_base
            reads.append(d)
    reads_and_shared = reads + [d for d in shared if d.file != f.rel]
    requires = sorted({f"{d.file}:{d.location.line if d.location else 0}" for d in reads_and_shared
                       if d.file != f.rel and d.index >= 0})
    statements = tuple(CompiledStatement(i.kind, _normal_sql(i), replace(i.location, source=None), i.sink_name,
                                         i.in_statement_set) for i in infos)
    udf_modules = sorted({s.module for s in udfs.values() if s is not None})
    digest = _hash(project, statements, [d for d in reads_and_shared if d.file != f.rel], udfs, sorted(set(models)))
    return JobFile(f.rel, statements, tuple(sources), tuple(dict.fromkeys(sinks)), tuple(sorted(udfs)),
                   tuple(udf_modules), tuple(sorted(set(models))), tuple(requires), digest)


def _normal_sql(info: StatementInfo) -> str:
    """The statement in the dialect's normal form (its own text when too deep to format)."""
    try:
        return info.node.sql(dialect="flink")
    except RecursionError:
        return str(info.statement.sql)


def _hash(project: Project, statements: tuple[CompiledStatement, ...], external: list[Definition],
          udfs: dict[str, UdfSpec | None], models: list[str]) -> str:
    h = hashlib.sha256()
    for s in statements:
        h.update(s.sql.encode())
        h.update(b"\0")
    for d in sorted(external, key=lambda d: (d.file, d.index)):
        h.update(d.text.encode())
        h.update(b"\0")
    root = project.config.root
    for spec in sorted((s for s in udfs.values() if s is not None), key=lambda s: s.name):
        h.update(f"udf {spec.name} {spec.module}.{spec.attr}\0".encode())
        if spec.file:
            h.update(_read(Path(spec.file) if Path(spec.file).is_absolute() else root / spec.file))
    for m in models:
        h.update(f"model {m}\0".encode())
        h.update(_read(Path(m) if Path(m).is_absolute() else root / m))
    return h.hexdigest()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"<missing>"


__all__ = ["CompiledProject", "CompiledStatement", "JobFile", "compile_project", "run_rules"]
