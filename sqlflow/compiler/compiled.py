"""The compile result everything after the compiler works on: the project's jobs, ready to run.

:func:`compile_project` loads, resolves and checks a project and returns a
frozen :class:`CompiledProject`: the catalog, every diagnostic (errors and
lint warnings) sorted by place, and per SQL file a :class:`JobFile`: its
statements as the dialect parsed them (their text, where they start, and the
form the lowering pass gave them), the definitions it takes from shared
files, the UDFs and models it uses, the Python modules lowering generated for
it, and one content hash. Planning, running, deploying and testing read the
statements from here; no file is read or split again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlglot import exp

from sqlflow.compiler.analysis import Project, StatementInfo
from sqlflow.compiler.build import analyze
from sqlflow.compiler.catalog import Catalog, Definition, FunctionDef, ModelDef, TableDef, ViewDef
from sqlflow.compiler.delivery import TransactionalIds
from sqlflow.compiler.lowering import LoweredJob, NativePredict, lower_job
from sqlflow.compiler.project import Positions, SourceFile
from sqlflow.compiler.rules import RULES, Rule
from sqlflow.config import Config, load_config
from sqlflow.errors import Location, SqlflowError
from sqlflow.udf.spec import UdfSpec

_DISABLE = re.compile(r"--\s*sqlflow:\s*disable\s*=\s*([\w\-, ]+)")
_WORD = re.compile(r"[A-Za-z_]+")


@dataclass(frozen=True)
class CompiledStatement:
    """One statement a job runs: its kind, the SQL Flink is sent, and where it was written.

    ``location`` is where the statement starts (for an INSERT of a statement
    set: where the set starts; ``positions`` knows where the INSERT itself does).

    ``sql`` is the statement's own text (``${VARS}`` substituted), or the form a
    compiler pass lowered it to (``lowered``: Flink's positions in it are not the
    file's). ``template`` is ``sql`` with the values of secret ``${NAME}``
    references put back as ``${NAME}``, where it holds any (what may be stored).
    ``positions`` places what Flink reports inside ``sql`` in the file.
    """

    kind: str  # table | view | function | model | insert | query | set | other
    sql: str
    location: Location
    sink: str | None = None  # the table an INSERT writes
    in_statement_set: bool = False
    word: str = ""  # the first keyword as written: SET, CREATE, INSERT, EXECUTE, SELECT, EXPLAIN, ...
    template: str | None = None
    lowered: bool = False
    predicts: tuple[NativePredict, ...] = ()  # native model steps that make the views it reads, run before it
    plain_sql: str | None = None  # before the platform supplied what an exactly-once Kafka sink needs, if it did
    secrets: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)  # (value, ${NAME})
    positions: Positions | None = field(default=None, compare=False, repr=False)
    node: exp.Expression | None = field(default=None, compare=False, repr=False)
    info: StatementInfo | None = field(default=None, compare=False, repr=False)  # what resolution found

    @property
    def file(self) -> str:
        return self.location.file

    def locate(self, line: int, column: int, length: int = 1) -> Location:
        """Where a position Flink reports inside :attr:`sql` is in the file (the statement's
        start when the text was lowered)."""
        if self.lowered or self.positions is None:
            return self.location
        return self.positions.locate(line, column, length)

    def set_pair(self) -> tuple[str, str] | None:
        """``(key, value)`` of a ``SET 'key' = 'value'``."""
        if self.kind != "set" or self.node is None:
            return None
        for item in self.node.expressions:
            eq = item.this
            if isinstance(eq, exp.EQ):
                return _literal(eq.this), _literal(eq.expression)
        return None


@dataclass(frozen=True)
class JobFile:
    """One SQL file: a job when it holds INSERTs.

    ``statements`` are its own, in order (an INSERT of a statement set counts
    as its own); ``shared`` are the definitions it reads from other files (and
    the SETs of files that only define), in project order, which run first.
    ``hash`` is the one content hash of what the job runs: its statements and
    shared definitions, the project's Flink settings and requirements, the
    UDF sources and model files it uses.
    """

    path: str  # relative to the project root
    name: str  # the job's name: <project>.<folder>.<file stem>
    statements: tuple[CompiledStatement, ...]
    shared: tuple[CompiledStatement, ...]
    sources: tuple[str, ...]  # tables read (through views too)
    sinks: tuple[str, ...]
    udfs: tuple[str, ...]  # UDF SQL names called
    udf_modules: tuple[str, ...]  # their Python modules, and those of Python functions sqlflow knows no spec of
    models: tuple[str, ...]  # model files used, relative to the root
    modules: tuple[tuple[str, str], ...]  # Python modules generated by lowering: (dotted name, source)
    opaque_python: bool  # it calls a Python function sqlflow knows no signature (or model) of
    batch: bool  # a batch job: SET 'execution.runtime-mode' = 'batch' or INSERT OVERWRITE
    hash: str

    @property
    def is_job(self) -> bool:
        return any(s.kind == "insert" for s in self.statements)

    @property
    def requires(self) -> tuple[str, ...]:
        """``file:line`` of each definition taken from another file (for display)."""
        return tuple(sorted({f"{s.location.file}:{s.location.line}" for s in self.shared if s.kind != "set"}))

    @property
    def native(self) -> bool:
        """Whether the job runs an ONNX model natively (it needs the native runtime's jar)."""
        return any(s.predicts for s in self.session)

    @property
    def session(self) -> tuple[CompiledStatement, ...]:
        """Everything the job runs, in order: the shared definitions, then its own statements."""
        return self.shared + self.statements

    def settings(self) -> dict[str, str]:
        """The ``SET`` values of the job's session, in order (later ones win)."""
        return dict(pair for s in self.session if (pair := s.set_pair()) is not None)


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

    def file_of(self, path: Path) -> JobFile | None:
        """The compiled file at ``path`` (absolute, or relative to the working folder)."""
        target = Path(path).resolve()
        return next((j for j in self.jobs if (self.root / j.path).resolve() == target), None)


def compile_project(root: Path | str | None = None, paths: list[Path] | None = None,
                    rules: tuple[Rule, ...] = RULES, config: Config | None = None) -> CompiledProject:
    """Load, resolve and check the project at ``root`` (or only ``paths`` within it).

    Never raises for problems in the user's files: they are diagnostics. A
    broken sqlflow.yaml is the one exception (a ConfigError), since nothing
    else can be read without it. ``config`` is the project's configuration when
    the caller has loaded it already.
    """
    config = config or load_config(Path(root) if root else None)
    project = analyze(config, paths)
    diagnostics = run_rules(project, rules)
    jobs: list[JobFile] = []
    for f in project.files:
        job, errors = _job(project, f)
        jobs.append(job)
        diagnostics += _new(errors, diagnostics)
    diagnostics.sort(key=lambda d: (d.location.file if d.location else "", d.location.line if d.location else 0,
                                    d.location.column if d.location else 0))
    return CompiledProject(config.root, config, project.catalog, tuple(jobs), tuple(project.udfs),
                           tuple(diagnostics), project)


def _new(errors: tuple[SqlflowError, ...], known: list[SqlflowError]) -> list[SqlflowError]:
    """The lowering pass's errors that no rule reported already (same rule, same line)."""
    seen = {(d.rule, d.location.file if d.location else "", d.location.line if d.location else 0) for d in known}
    out = []
    for e in errors:
        key = (e.rule, e.location.file if e.location else "", e.location.line if e.location else 0)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


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

def job_name(project: str, rel: str) -> str:
    """``<project>.<path with dots>``, e.g. ``demo.feedback.ctr`` for ``feedback/ctr.sql``."""
    stem = rel[:-4] if rel.endswith(".sql") else rel
    return f"{project}.{stem.replace('/', '.')}"


@dataclass
class _Uses:
    """What a job's statements reach: definitions read, UDFs called, models run."""

    reads: list[Definition] = field(default_factory=list)
    udfs: dict[str, UdfSpec | None] = field(default_factory=dict)
    functions: list[FunctionDef] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    model_defs: list[ModelDef] = field(default_factory=list)


def _collect(project: Project, infos: list[StatementInfo]) -> _Uses:
    uses = _Uses()
    seen_views: set[int] = set()
    owners = {id(s.definition): s for s in project.statements if s.definition is not None}

    def collect(info: StatementInfo) -> None:
        for d, _ in info.facts.reads:
            uses.reads.append(d)
            if isinstance(d, ViewDef) and id(d) not in seen_views:
                seen_views.add(id(d))
                owner = owners.get(id(d))
                if owner is not None:
                    collect(owner)
        for call in info.facts.calls:
            if call.udf is not None:
                uses.udfs[call.udf.name] = call.udf.spec
                uses.functions.append(call.udf)
                if call.udf.spec is not None and call.udf.spec.model:
                    uses.models.append(call.udf.spec.model)
        for p in info.facts.predicts:
            uses.model_defs.append(p.model)
            if p.model.path:
                uses.models.append(p.model.path)

    for info in infos:
        collect(info)
    return uses


def _job(project: Project, f: SourceFile) -> tuple[JobFile, tuple[SqlflowError, ...]]:
    own = project.in_file(f)
    uses = _collect(project, own)
    needed: list[Definition] = [*uses.reads, *(i.sink for i in own if i.sink is not None), *uses.functions,
                                *uses.model_defs]
    # the table an ALTER of this file changes must exist in the session
    needed += [i.definition.revision_of for i in own if i.kind == "alter" and i.definition is not None
               and i.definition.revision_of is not None]
    seen = {id(d) for d in needed}
    todo = list(needed)
    while todo:  # what a definition stands on comes first: a LIKE's base, the CREATE an ALTER revises
        d = todo.pop()
        for base in (d.like_base if isinstance(d, TableDef) else None, d.revision_of):
            if base is not None and id(base) not in seen:
                seen.add(id(base))
                needed.append(base)
                todo.append(base)
    external = {id(d) for d in needed if d.file != f.rel and d.index >= 0}
    own_files = {f.rel}
    shared_infos = [s for s in project.statements if s.file.rel not in own_files and (
        id(s.definition) in external if s.definition is not None
        else s.kind == "set" and not project.is_job(s.file))]
    lowered = lower_job(shared_infos + own)
    shared = tuple(_statement(s, lowered) for s in shared_infos)
    statements = tuple(_statement(s, lowered) for s in own)
    sources = sorted({d.name for d in uses.reads if isinstance(d, TableDef)})
    sinks = tuple(dict.fromkeys(i.sink_name for i in own if i.kind == "insert" and i.sink_name))
    modules = {s.module for s in uses.udfs.values() if s is not None}
    defined = [i.definition for i in shared_infos + own if isinstance(i.definition, FunctionDef)]
    declared = list({id(d): d for d in [*defined, *uses.functions]
                     if d.language.upper() == "PYTHON" and d.target and d.index >= 0}.values())
    called = {id(d) for d in uses.functions}
    opaque = any(d.spec is None for d in declared)
    # the modules of the Python functions it calls, and of those sqlflow knows nothing of (registering one
    # may import its module)
    modules.update(d.target.rsplit(".", 1)[0] for d in declared
                   if "." in d.target and (id(d) in called or d.spec is None))
    models = set(uses.models)
    if opaque and project.config.models_path.is_dir():
        # a Python function sqlflow knows nothing of may load any of the project's models
        root = project.config.root
        models.update(p.relative_to(root).as_posix() for p in project.config.models_path.rglob("*.onnx"))
    models = sorted(models)
    digest = _hash(project, statements, shared, uses.udfs, declared, models)
    name = job_name(project.config.name, _sql_relative(project.config, f))
    shared, statements = _delivered(shared, statements, name, digest)
    job = JobFile(f.rel, name, statements, shared,
                  tuple(sources), sinks, tuple(sorted(uses.udfs)), tuple(sorted(modules)), tuple(models),
                  lowered.modules, opaque, project.is_batch(f), digest)
    return job, lowered.errors


def _delivered(shared: tuple[CompiledStatement, ...], statements: tuple[CompiledStatement, ...], job: str,
               version: str) -> tuple[tuple[CompiledStatement, ...], tuple[CompiledStatement, ...]]:
    """The session with what its exactly-once Kafka sinks need from the platform (transactional ids
    unique to the job and its version, see :mod:`sqlflow.compiler.delivery`); a statement that
    changes is written out again from its tree (Flink's positions in it are then the statement's)."""
    ids = TransactionalIds(job, version)

    def one(s: CompiledStatement) -> CompiledStatement:
        if s.node is None:
            return s
        node = ids.tree(s.node)
        if node is s.node:
            return s
        sql = node.sql(dialect="flink")
        return replace(s, sql=sql, node=node, lowered=True, plain_sql=s.sql, template=_template(sql, s.secrets))

    return tuple(one(s) for s in shared), tuple(one(s) for s in statements)


def _sql_relative(config: Config, f: SourceFile) -> str:
    """The file's path under the sql folder (what the job name is made from)."""
    try:
        return (config.root / f.rel).resolve().relative_to(config.sql_path.resolve()).as_posix()
    except ValueError:
        return Path(f.rel).name


def _statement(info: StatementInfo, lowered: LoweredJob) -> CompiledStatement:
    st = info.statement
    file = info.file
    if info.in_statement_set:
        text, start = st.text_of(info.node), st.start_of(info.node)
    else:
        text, start = st.sql, st.location
    node = lowered.nodes.get(id(info))
    sql = node.sql(dialect="flink") if node is not None else text
    secrets = _secrets(file, start, sql)
    word_match = _WORD.match(text)
    return CompiledStatement(
        kind=lowered.kinds.get(id(info), info.kind), sql=sql,
        location=replace(info.location, source=None), sink=info.sink_name,
        in_statement_set=info.in_statement_set, word=word_match.group(0).upper() if word_match else "",
        template=_template(sql, secrets), lowered=node is not None, predicts=lowered.predicts.get(id(info), ()),
        positions=file.positions(start), secrets=secrets,
        node=node if node is not None else info.node, info=info)


def _secrets(file: SourceFile, start: Location, sql: str) -> tuple[tuple[str, str], ...]:
    """(value, name) of the secret ``${NAME}`` references on the statement's lines, longest value first."""
    last = start.line + sql.count("\n")
    found = {(s.value, s.name) for s in file.substitutions if start.line <= s.line <= last and s.value and s.secret}
    return tuple(sorted(found, key=lambda p: -len(p[0])))


def _template(sql: str, secrets: tuple[tuple[str, str], ...]) -> str | None:
    """``sql`` with its secret values put back as ``${NAME}`` (None if it holds none)."""
    out = sql
    for value, name in secrets:
        out = out.replace(value, "${" + name + "}")
    return out if out != sql else None


def _literal(node: exp.Expression) -> str:
    return node.name if isinstance(node, exp.Literal) else node.sql(dialect="flink").strip("'")


def _normal_sql(s: CompiledStatement) -> str:
    """The statement in the dialect's normal form (its own text when too deep to format)."""
    try:
        return s.node.sql(dialect="flink") if s.node is not None else s.sql
    except RecursionError:
        return s.sql


def _hash(project: Project, statements: tuple[CompiledStatement, ...], shared: tuple[CompiledStatement, ...],
          udfs: dict[str, UdfSpec | None], declared: list[FunctionDef], models: list[str]) -> str:
    h = hashlib.sha256()

    def part(data: bytes) -> None:
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)

    for s in shared + statements:
        part(_normal_sql(s).encode())
        for p in s.predicts:
            part(repr((p.source, p.features, p.options, p.outputs)).encode())
    config = project.config
    part(json.dumps(sorted(config.flink.items())).encode())
    part(json.dumps(list(config.requirements)).encode())
    root = config.root
    files: dict[str, Path] = {}
    for spec in (s for s in udfs.values() if s is not None):
        part(f"udf {spec.name} {spec.module}.{spec.attr}".encode())
        if spec.file:
            files[spec.file] = Path(spec.file) if Path(spec.file).is_absolute() else root / spec.file
    for d in declared:  # CREATE FUNCTION ... LANGUAGE PYTHON of a module sqlflow did not discover
        for path in _module_files(root, d.target.rsplit(".", 1)[0] if d.target else ""):
            files.setdefault(str(path), path)
    for key in sorted(files):
        part(_read(files[key]))
    for m in models:
        part(f"model {m}".encode())
        part(_read(Path(m) if Path(m).is_absolute() else root / m))
    return h.hexdigest()[:16]


def _module_files(root: Path, module: str) -> list[Path]:
    """The source file of a dotted module under the project root (``udfs.score`` -> udfs/score.py)."""
    parts = [p for p in module.split(".") if p]
    for n in range(len(parts), 0, -1):
        base = root.joinpath(*parts[:n])
        for cand in (base.with_suffix(".py"), base / "__init__.py"):
            if cand.is_file():
                return [cand]
    return []


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b"<missing>"


__all__ = ["CompiledProject", "CompiledStatement", "JobFile", "compile_project", "job_name", "run_rules"]
