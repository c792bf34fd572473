"""The frozen deployment plan: one job per SQL job file, each with a content hash.

:func:`build_plan` compiles the project into a :class:`Plan`; :func:`diff`
compares it with what runs on the target (Flink's /jobs/overview and the
stored deployment state) and says, per job, new / changed / unchanged /
removed. Nothing here talks to a cluster except through the jobs it is given.
"""

from __future__ import annotations

import hashlib
import json
import re
from urllib.parse import urlparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from sqlflow.compiler.delivery import TransactionalIds
from sqlflow.deploy.settings import DeploySettings
from sqlflow.deploy.source import SourceFile, SourceStatement, job_sources
from sqlflow.errors import DeployError, Diagnostics, Location, SqlflowError, did_you_mean

KAFKA_CONNECTORS = ("'kafka'", "'upsert-kafka'")


@dataclass(frozen=True)
class PlannedStatement:
    """A statement of a job: ``ddl``, ``set`` (kept for display) or ``insert``."""

    kind: str
    sql: str
    location: Location
    template: str | None = None  # the text as written, before ${VARS}; what is stored on disk

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "sql": self.sql, "file": self.location.file, "line": self.location.line}


@dataclass(frozen=True)
class PlannedJob:
    """Everything needed to run one job file on Flink, and its content hash."""

    name: str
    file: str
    statements: tuple[PlannedStatement, ...]
    udf_modules: tuple[str, ...]
    models: tuple[str, ...]
    jars: tuple[str, ...]
    requirements: tuple[str, ...]
    config: tuple[tuple[str, str], ...]
    hash: str

    @property
    def inserts(self) -> tuple[PlannedStatement, ...]:
        return tuple(s for s in self.statements if s.kind == "insert")

    def submit_spec(self, settings: DeploySettings, savepoint: str | None = None,
                    remote: bool = True, ship_dir: Path | None = None) -> dict[str, Any]:
        """The JSON spec that :mod:`sqlflow.deploy.submit` runs."""
        conf = dict(self.config)
        conf["pipeline.name"] = self.name
        conf.setdefault("parallelism.default", str(settings.parallelism))
        conf.setdefault("python.executable", settings.python_executable)
        if remote:
            url = urlparse(settings.rest_url)
            conf.update({"execution.target": "remote", "rest.address": url.hostname or "localhost",
                         "rest.port": str(url.port or (443 if url.scheme == "https" else 8081))})
        if self.jars:
            conf["pipeline.jars"] = ";".join(Path(j).resolve().as_uri() for j in self.jars)
        sys_path = []
        if ship_dir is not None:
            conf["python.files"] = str(ship_dir)
            sys_path.append(str(ship_dir))
        if self.requirements and ship_dir is not None:
            conf["python.requirements"] = str(ship_dir / "requirements.txt")
        if savepoint:
            conf["execution.state-recovery.path"] = savepoint
        return {
            "name": self.name,
            "hash": self.hash,
            "config": conf,
            "statements": _with_delivery([s.to_json() for s in self.statements if s.kind != "set"],
                                         self.name, self.hash),
            "sys_path": sys_path,
        }


def _with_delivery(statements: list[dict[str, Any]], job: str, version: str) -> list[dict[str, Any]]:
    """The submitted statements, with the transactional ids the job's exactly-once Kafka sinks need
    (sqlflow.compiler.delivery): the job's version is its hash."""
    ids = TransactionalIds(job, version)
    for stmt in statements:
        stmt["sql"] = ids.sql(stmt["sql"])
    return statements


@dataclass(frozen=True)
class Plan:
    """The jobs of a project for one target."""

    project: str
    target: str
    rest_url: str
    jobs: tuple[PlannedJob, ...]
    warnings: tuple[SqlflowError, ...] = ()

    def job(self, name: str) -> PlannedJob:
        for j in self.jobs:
            if j.name == name or j.name == f"{self.project}.{name}":
                return j
        near = did_you_mean(name, [j.name for j in self.jobs])
        raise DeployError(f"no job named {name!r} in the plan",
                          hint=f"did you mean {near!r}?" if near else None)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(j.name for j in self.jobs)


def job_name(project: str, rel: str) -> str:
    """``<project>.<path with dots>``, e.g. ``demo.feedback.ctr`` for ``feedback/ctr.sql``."""
    stem = rel[:-4] if rel.endswith(".sql") else rel
    return f"{project}.{stem.replace('/', '.')}"


def _digest(parts: Iterable[bytes]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(len(p).to_bytes(8, "big"))
        h.update(p)
    return h.hexdigest()[:16]


def _udf_files(cfg: Any, modules: Iterable[str]) -> list[Path]:
    out = []
    root = Path(cfg.root)
    for mod in modules:
        parts = mod.split(".")
        for n in range(len(parts), 0, -1):
            base = root.joinpath(*parts[:n])
            for cand in (base.with_suffix(".py"), base / "__init__.py"):
                if cand.is_file() and cand not in out:
                    out.append(cand)
                    break
            else:
                continue
            break
    return out


def _jars(statements: Iterable[SourceStatement]) -> tuple[str, ...]:
    if not any(k in s.sql.lower().replace(" ", "") for s in statements for k in KAFKA_CONNECTORS):
        return ()
    from sqlflow import KAFKA_CONNECTOR_VERSION
    from sqlflow.jars import jars_dir

    return (str(jars_dir() / "connector" / f"flink-sql-connector-kafka-{KAFKA_CONNECTOR_VERSION}.jar"),)


def plan_job(cfg: Any, project: str, job: SourceFile, catalog: list[SourceStatement],
             base_config: Mapping[str, str], compiled: Any = None) -> PlannedJob:
    """One job file, after the definitions it reads from other files, as a planned job.

    ``compiled`` is the compiler's ``JobFile`` for it, when the compiler ran: it
    adds the UDF modules and model files that the job reaches through calls.
    """
    stmts = [*catalog, *job.statements]
    conf = dict(base_config)
    for s in stmts:
        if s.kind == "set":
            pair = s.set_pair
            if pair is None:
                raise DeployError("SET takes 'key' = 'value'", location=s.location, rule="bad-set")
            conf[pair[0]] = pair[1]
        elif s.kind == "reset":
            raise DeployError("RESET has no meaning in a deployed job", location=s.location, rule="unsupported-statement")
    if conf.get("execution.runtime-mode", "streaming").lower() != "batch":
        for s in job.statements:
            if s.kind == "insert" and re.match(r"(?is)INSERT\s+OVERWRITE\b", s.sql):
                raise DeployError("INSERT OVERWRITE runs only in batch mode", location=s.location, rule="batch-only",
                                  hint="declare the job a batch job: SET 'execution.runtime-mode' = 'batch'; "
                                       "at the top of the file")
    modules = {f.rsplit(".", 1)[0] for s in stmts if (f := s.python_function)}
    root = Path(cfg.root)
    models = {m for s in stmts for m in s.model_files}
    if compiled is not None:
        modules.update(compiled.udf_modules)
        models.update(compiled.models)
    elif modules and not models and Path(cfg.models_path).is_dir():
        models = {p.relative_to(root).as_posix() for p in Path(cfg.models_path).rglob("*.onnx")}
    for m in sorted(models):
        if not (root / m).is_file():
            where = next((s.location for s in stmts if m in s.sql), None)
            raise DeployError(f"model file {m} does not exist", location=where, rule="missing-model")
    jars = _jars(stmts)
    requirements = tuple(cfg.requirements)
    planned = tuple(PlannedStatement(s.kind, s.sql, s.location, s.template) for s in stmts)
    parts: list[bytes] = [json.dumps([[s.kind, s.sql] for s in planned]).encode(),
                          json.dumps(sorted(conf.items())).encode(),
                          json.dumps([Path(j).name for j in jars]).encode(),
                          json.dumps(list(requirements)).encode()]
    for f in _udf_files(cfg, sorted(modules)):
        parts.append(f.read_bytes())
    for m in sorted(models):
        parts.append((root / m).read_bytes())
    return PlannedJob(
        name=job_name(project, job.rel),
        file=str(job.path),
        statements=planned,
        udf_modules=tuple(sorted(modules)),
        models=tuple(sorted(models)),
        jars=jars,
        requirements=requirements,
        config=tuple(sorted(conf.items())),
        hash=_digest(parts),
    )


def compile_checked(root: Path) -> Any:
    """The compiler's view of the project; its errors stop the deploy before anything is touched."""
    try:
        from sqlflow.compiler.compiled import compile_project
    except ImportError:  # pragma: no cover - the compiler is part of the package
        return None
    compiled = compile_project(root)
    if not compiled.ok:
        raise Diagnostics(list(compiled.errors))
    return compiled


def _required(files: list[SourceFile], root: Path, job: SourceFile, requires: Iterable[str]) -> list[SourceStatement]:
    """The statements of other files that hold the definitions named ``file:line``."""
    wanted: dict[Path, set[int]] = {}
    for ref in requires:
        file, _, line = ref.rpartition(":")
        wanted.setdefault((root / file).resolve(), set()).add(int(line))
    out: list[SourceStatement] = []
    for f in files:
        lines = wanted.get(f.path.resolve())
        if f is job or not lines:
            continue
        defs = [s for s in f.statements if s.kind == "ddl"]
        for s in defs:
            nxt = [d.location.line for d in defs if d.location.line > s.location.line]
            end = min(nxt) if nxt else 1 << 30
            if any(s.location.line <= ln < end for ln in lines):
                out.append(s)
    return out


def build_plan(settings: DeploySettings, cfg: Any = None, check: bool = True) -> Plan:
    """Compile the project into the frozen plan for ``settings``' target.

    With ``check`` the compiler runs first: an error anywhere stops here, and a
    job gets exactly the definitions it reads from other files. Without it,
    every job gets all DDL of the files that are not jobs.
    """
    if cfg is None:
        from sqlflow.config import load_config

        cfg = load_config(settings.root)
    files = job_sources(cfg)
    compiled = compile_checked(Path(cfg.root)) if check else None
    root = Path(cfg.root)
    catalog = [s for f in files if not f.is_job for s in f.statements if s.kind in ("ddl", "set")]
    jobs = []
    for f in files:
        if not f.is_job:
            continue
        if compiled is not None:
            rel = f.path.resolve().relative_to(root.resolve()).as_posix()
            jf = next((j for j in compiled.jobs if j.path == rel), None)
            needed = _required(files, root, f, jf.requires if jf else ())
            sets = [s for g in files if not g.is_job for s in g.statements if s.kind == "set"]
            jobs.append(plan_job(cfg, settings.project, f, [*sets, *needed], settings.flink_config, jf))
        else:
            jobs.append(plan_job(cfg, settings.project, f, catalog, settings.flink_config))
    if not jobs:
        raise DeployError(f"no job files under {cfg.sql_path}", rule="no-jobs",
                          hint="a job file is a .sql file with at least one INSERT")
    warnings = tuple(compiled.warnings) if compiled is not None else ()
    return Plan(settings.project, settings.target, settings.rest_url, tuple(jobs), warnings)


@dataclass(frozen=True)
class JobChange:
    """What deploying does to one job name."""

    name: str
    action: str  # new | changed | unchanged | removed | resume
    job: PlannedJob | None = None
    jid: str | None = None  # the running job on the target, if any
    old_hash: str | None = None
    savepoint: str | None = None  # where a stopped job would resume from

    @property
    def symbol(self) -> str:
        return {"new": "+", "changed": "~", "unchanged": "=", "removed": "-", "resume": ">"}[self.action]


@dataclass(frozen=True)
class Changes:
    """The plan against the target: one change per job name, plan order then removed."""

    plan: Plan
    changes: tuple[JobChange, ...] = field(default_factory=tuple)

    def of(self, action: str) -> list[JobChange]:
        return [c for c in self.changes if c.action == action]


def diff(plan: Plan, running: Iterable[Any], state: Mapping[str, Mapping[str, Any]]) -> Changes:
    """Compare the plan with the running jobs (JobSummary rows) and the stored state."""
    active = {}
    for j in running:
        if j.active and (j.name.startswith(plan.project + ".")):
            active.setdefault(j.name, j)
    out: list[JobChange] = []
    for job in plan.jobs:
        run = active.pop(job.name, None)
        stored = state.get(job.name, {})
        if run is None and stored.get("finished") and stored.get("hash") == job.hash:
            out.append(JobChange(job.name, "unchanged", job, stored.get("jid"), job.hash))  # ran to completion
        elif run is None:
            sp = stored.get("savepoint") if stored.get("stopped") else None
            out.append(JobChange(job.name, "resume" if sp else "new", job, None, stored.get("hash"), sp))
        elif stored.get("hash") == job.hash and stored.get("jid") == run.jid:
            out.append(JobChange(job.name, "unchanged", job, run.jid, job.hash))
        else:
            out.append(JobChange(job.name, "changed", job, run.jid, stored.get("hash")))
    for name, run in sorted(active.items()):
        out.append(JobChange(name, "removed", None, run.jid, state.get(name, {}).get("hash")))
    return Changes(plan, tuple(out))
