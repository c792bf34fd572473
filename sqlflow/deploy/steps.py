"""Deploying is a few named steps over the plan; ``--dry-run`` prints them only.

:func:`plan_steps` turns the changes (plan against target) into
:class:`Step` objects; :func:`deploy` takes them one by one. An upgrade
stops the old job with a savepoint and starts the new version from it; if
the new version fails to start, the old one is started again from that same
savepoint, so a bad deploy never leaves nothing running.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlflow.compiler.compiled import CompiledProject
from sqlflow.config import TargetSettings
from sqlflow.deploy.client import submit_client
from sqlflow.deploy.local import start_local_cluster
from sqlflow.deploy.plan import (Changes, JobChange, Plan, PlannedJob, PlannedStatement, build_plan, diff,
                                 embedded_refused)
from sqlflow.deploy.savepoints import take_savepoint
from sqlflow.deploy.ship import ship_files
from sqlflow.deploy.state import load_state, record, state_file
from sqlflow.deploy.watch import StartFailure, watch_job
from sqlflow.errors import DeployError, Location, ServiceError, SqlflowError
from sqlflow.flink.java import cause_of, locate, position, without_position
from sqlflow.flink.preflight import check_kafka
from sqlflow.flink.rest import FlinkRest
from sqlflow.flink.submit import predict_from_json, predict_to_json
from sqlflow.jars import ensure_jars
from sqlflow.process import run_bounded
from sqlflow.scrub import scrub

#: How long the process that submits one job may take (a JVM start, the SQL planned, files uploaded).
SUBMIT_TIMEOUT_S = 300
#: How long a job with Python UDFs (or ONNX models) must run steadily to count as started: a Python
#: UDF opens (loads its model) with the first batch of rows, after Flink already reports RUNNING.
PYTHON_SETTLE_S = 20.0

Echo = Callable[[str], None]

STEP_NAMES = ("start-cluster", "fetch-jars", "submit", "upgrade", "resume", "stop", "watch")
_STATE_MISMATCH = re.compile(r"(?i)cannot map (checkpoint|savepoint) state|failed to rollback to (checkpoint|savepoint)"
                             r"|allownonrestoredstate|non-restored state")


@dataclass(frozen=True)
class Step:
    """One named action over the plan: what it does and to which job."""

    name: str  # one of STEP_NAMES
    text: str
    change: JobChange | None = None


@dataclass
class DeployResult:
    """What a deploy did: the running job ids by name, and the dashboard links."""

    changes: Changes
    steps: list[Step]
    jobs: dict[str, str] = field(default_factory=dict)  # name -> jid, jobs started or kept
    dashboard_url: str = ""


def plan_steps(changes: Changes, settings: TargetSettings, allow_state_reset: bool = False) -> list[Step]:
    """The steps that bring the target to the plan, in order."""
    steps: list[Step] = []
    if settings.kind == "local":
        steps.append(Step("start-cluster", f"start the local Flink cluster at {settings.rest_url} if it is not running"))
    jars = sorted({j for c in changes.changes if c.job and c.action != "unchanged" for j in c.job.jars
                   if not Path(j).is_file()})  # only what the cache lacks
    if jars:
        steps.append(Step("fetch-jars", "fetch pinned jars into the cache: " + ", ".join(Path(j).name for j in jars)))
    sp_dir = settings.flink_config.get("state.savepoints.dir") or settings.savepoint_dir
    for c in changes.changes:
        if c.action == "new":
            steps.append(Step("submit", f"submit {c.name} ({c.job.hash})", c))
        elif c.action == "resume":
            steps.append(Step("resume", f"submit {c.name} ({c.job.hash}) from its savepoint {c.savepoint}", c))
        elif c.action == "changed":
            reset = "; if its state does not fit, start it empty" if allow_state_reset else \
                "; if its state does not fit, keep the old version (--allow-state-reset starts it empty)"
            steps.append(Step("upgrade", f"stop {c.name} ({c.jid}) with a savepoint into {sp_dir}, submit "
                                         f"{c.job.hash} from it; on failure restart the old version from it{reset}", c))
        elif c.action == "removed":
            steps.append(Step("stop", f"stop {c.name} ({c.jid}): no longer in the project; savepoint into {sp_dir}", c))
    if any(s.name in ("submit", "upgrade", "resume") for s in steps):
        steps.append(Step("watch", "watch the started jobs until every one is RUNNING"))
    return steps


def describe(changes: Changes, steps: list[Step], settings: TargetSettings) -> str:
    """The plan and its steps as text (plan and deploy --dry-run print it)."""
    lines = [f"plan for target {settings.target} ({settings.rest_url}):"]
    width = max((len(c.name) for c in changes.changes), default=10)
    for c in changes.changes:
        if c.action == "changed":
            detail = f"{c.old_hash or 'unknown'} -> {c.job.hash}"
        elif c.job is not None:
            detail = c.job.hash
        else:
            detail = c.jid or ""
        lines.append(f"  {c.symbol} {c.name:<{width}}  {c.action:<9}  {detail}")
    if not steps or all(s.name in ("start-cluster", "fetch-jars") for s in steps):
        lines.append("nothing to do: the target runs this plan")
        return "\n".join(lines)
    lines.append("steps:")
    for i, s in enumerate(steps, 1):
        lines.append(f"  {i}. {s.name}: {s.text}")
    return "\n".join(lines)


def _statement_location(job: PlannedJob, index: int | None, message: str) -> Location:
    """Where in the SQL a planner error points: the statement, refined by the line and column Flink names."""
    stmts = job.submitted
    if index is None or index >= len(stmts):
        stmt = job.inserts[0] if job.inserts else job.statements[0]
    else:
        stmt = stmts[index]
    if stmt.source is not None:
        return locate(stmt.source, message) or stmt.location
    return stmt.location


def submit_job(settings: TargetSettings, job: PlannedJob, savepoint: str | None = None,
               allow_non_restored: bool = False) -> str:
    """Submit one job through PyFlink's client in a child process; its Flink job id.

    The spec (with the job's secret values and the client's TLS settings) reaches the child on its
    standard input: it is never written to a file.
    """
    ship = ship_files(settings, job)
    spec = job.submit_spec(settings, savepoint=savepoint, ship_dir=ship)
    client_conf, client_env = submit_client(settings)
    for key, value in client_conf.items():
        spec["config"].setdefault(key, value)
    spec["env"] = {**spec.get("env", {}), **client_env}
    if allow_non_restored:
        spec["config"]["execution.state-recovery.ignore-unclaimed-state"] = "true"
    python = settings.python_executable if Path(settings.python_executable).exists() else sys.executable
    # a process that ran Python UDFs in PyFlink's loopback mode (tests, notebooks) has this set; the
    # child must start its own JVM client
    env = {k: v for k, v in os.environ.items() if k != "PYFLINK_GATEWAY_DISABLED"}
    try:
        proc = run_bounded([python, "-m", "sqlflow.deploy.submit", "-"], SUBMIT_TIMEOUT_S, input=json.dumps(spec),
                           cwd=ship, env=env)
    except subprocess.TimeoutExpired:
        raise DeployError(f"{job.name}: submitting the job to {settings.rest_url} did not finish within "
                          f"{SUBMIT_TIMEOUT_S} s; it was not started", location=_statement_location(job, None, ""),
                          rule="submit-timeout",
                          hint="is the cluster answering (sqlflow jobs)? A cluster that is up but slow to plan "
                               "the job needs more time than this machine gives it") from None
    out: dict[str, Any] = {}
    for line in reversed(proc.stdout.strip().splitlines()):
        if line.startswith("{"):
            out = json.loads(line)
            break
    if out.get("job_id"):
        return out["job_id"]
    # no JSON answer: the process died; its whole stderr (a Java stack trace, say) holds the cause
    text = out.get("error") or proc.stderr.strip() or f"the submitting process exited with {proc.returncode}"
    if not FlinkRest.for_target(settings).reachable():
        raise ServiceError(f"lost the cluster at {settings.rest_url} while submitting {job.name}: {cause_of(text)}",
                           rule="cluster-lost", hint="is the cluster running? `sqlflow deploy` again takes the "
                                                      "steps still needed once it answers")
    message = cause_of(text)
    where = _statement_location(job, out.get("statement"), message if position(message) else text)
    raise DeployError(f"{job.name}: Flink rejected the job: {without_position(message)}", location=where,
                      rule="flink-rejected")


class Deployer:
    """Takes the steps of a deploy against one target."""

    def __init__(self, settings: TargetSettings, echo: Echo = print, allow_state_reset: bool = False,
                 settle: float = 5.0, timeout: float = 120.0):
        self.settings = settings
        self.echo = echo
        self.allow_state_reset = allow_state_reset
        self.settle = settle
        self.timeout = timeout
        self.rest = FlinkRest.for_target(settings)
        self.started: dict[str, str] = {}

    def run(self, steps: list[Step]) -> dict[str, str]:
        """Take the steps in order; an error says which steps were done and which were not taken."""
        for i, step in enumerate(steps, 1):
            self.echo(f"[{i}/{len(steps)}] {step.name}: {step.text}")
            try:
                getattr(self, "_" + step.name.replace("-", "_"))(step)
            except SqlflowError as exc:
                exc.notes.extend(self._progress(steps, i))
                raise
        return self.started

    def _progress(self, steps: list[Step], failed: int) -> list[str]:
        """Notes for an error at step ``failed``: what was done, what was not, where that is recorded."""
        def label(i: int, s: Step) -> str:
            return f"{i}. {s.name}" + (f" {s.change.name}" if s.change else "")

        done = [label(i, s) + (f" (job {self.started[s.change.name]})" if s.change and s.change.name in self.started
                               else "") for i, s in enumerate(steps[:failed - 1], 1)]
        left = [label(i, s) for i, s in enumerate(steps[failed:], failed + 1)]
        notes = [f"done: {', '.join(done) if done else 'nothing'}; failed: {label(failed, steps[failed - 1])}"]
        if left:
            notes.append(f"not taken: {', '.join(left)}")
        notes.append(f"{state_file(self.settings)} records what runs; `sqlflow deploy` again takes the "
                     "steps still needed")
        return notes

    def _start_cluster(self, step: Step) -> None:
        start_local_cluster(self.settings)

    def _fetch_jars(self, step: Step) -> None:
        ensure_jars(quiet=True)

    def _start(self, job: PlannedJob, savepoint: str | None, allow_non_restored: bool = False) -> str:
        sources = [s.source for s in job.statements if s.source is not None]
        if sources and self.settings.config.kafka.check:
            check_kafka(sources, job.name)
        jid = submit_job(self.settings, job, savepoint, allow_non_restored)
        settle = max(self.settle, PYTHON_SETTLE_S) if job.udf_modules or job.modules else self.settle
        try:
            state = watch_job(self.rest, jid, job, echo=self.echo, settle=settle, timeout=max(self.timeout, settle + 30),
                              root=self.settings.root)
        except ServiceError as exc:
            raise ServiceError(f"lost the cluster at {self.rest.url} while {job.name} (job {jid}) was starting",
                               rule="cluster-lost", hint=exc.hint) from None
        record(self.settings, job.name, hash=job.hash, jid=jid, file=job.file, stopped=False,
               finished=state == "FINISHED", savepoint=savepoint, spec_job=_job_to_json(job),
               deployed_at=time.time())
        self.started[job.name] = jid
        return jid

    def _submit(self, step: Step) -> None:
        try:
            self._start(step.change.job, None)
        except StartFailure as exc:
            _cancel_quietly(self.rest, exc.jid)  # a failing job would restart forever
            raise exc.error from None

    def _resume(self, step: Step) -> None:
        try:
            self._start(step.change.job, step.change.savepoint)
        except StartFailure as exc:
            _cancel_quietly(self.rest, exc.jid)
            raise DeployError(f"{exc.error.message} (its savepoint is kept: {step.change.savepoint})",
                              location=exc.error.location, rule=exc.error.rule) from None

    def _upgrade(self, step: Step) -> None:
        c = step.change
        job = c.job
        previous = load_state(self.settings).get(c.name, {})
        old = _job_from_json(previous["spec_job"], self.settings) if previous.get("spec_job") else None
        if old is None or previous.get("jid") != c.jid:
            raise DeployError(f"{c.name} runs on {self.settings.rest_url} ({c.jid}) but was not deployed from here, "
                              "so a failed upgrade could not restore it; nothing was changed",
                              rule="no-rollback",
                              hint=f"stop it with a savepoint first (sqlflow jobs stop {c.name}); "
                                   "the next deploy then starts the new version from that savepoint")
        sp = take_savepoint(self.rest, self.settings, c.name, c.jid, stop=True)
        record(self.settings, c.name, stopped=True, savepoint=sp)
        self.echo(f"      stopped {c.jid}; savepoint {sp}")
        try:
            self._start(job, sp)
            return
        except ServiceError as exc:
            raise self._lost_after_stop(c.name, sp, exc, "the new version did not start") from None
        except (StartFailure, DeployError) as exc:
            error = exc.error if isinstance(exc, StartFailure) else exc
            jid = exc.jid if isinstance(exc, StartFailure) else None
        if jid:
            _cancel_quietly(self.rest, jid)
        if _STATE_MISMATCH.search(error.message) and self.allow_state_reset:
            self.echo(f"      the state of {c.name} does not fit the new version; starting it empty (--allow-state-reset)")
            try:
                self._start(job, None)
                return
            except StartFailure as exc2:
                _cancel_quietly(self.rest, exc2.jid)
                error = exc2.error
        self.echo(f"      new version failed: {error.message}; restarting the previous version from {sp}")
        try:
            self._start(old, sp)
        except ServiceError as exc:
            raise self._lost_after_stop(c.name, sp, exc, f"the new version failed ({error.message}) and the "
                                                         "previous one could not be restarted") from None
        except StartFailure as exc3:
            _cancel_quietly(self.rest, exc3.jid)
            raise DeployError(f"{c.name}: the new version could not start ({error.message}), and the previous "
                              f"version failed to restart from savepoint {sp} too: {exc3.error.message}",
                              location=error.location, rule="rollback-failed",
                              hint=f"the savepoint is kept; fix the job and deploy again to resume from it") from None
        mismatch = bool(_STATE_MISMATCH.search(error.message))
        raise DeployError(
            f"{c.name}: the new version could not start" + (" from the old version's state" if mismatch else "")
            + f"; the previous version ({old.hash}) runs again from savepoint {sp}: {error.message}",
            location=error.location, rule="state-incompatible" if mismatch else "deploy-failed",
            hint="redeploy with --allow-state-reset to start the new version with empty state" if mismatch else None)

    def _lost_after_stop(self, name: str, savepoint: str, exc: ServiceError, what: str) -> ServiceError:
        """The cluster went away after ``name`` was stopped with ``savepoint``: say where its state is."""
        return ServiceError(f"lost the cluster at {self.rest.url} after {name} was stopped with savepoint "
                            f"{savepoint}: {what}", rule="cluster-lost",
                            hint=f"the savepoint is recorded in {state_file(self.settings)}: when the cluster is "
                                 f"back, `sqlflow deploy` starts {name} from it ({exc.message})")

    def _stop(self, step: Step) -> None:
        c = step.change
        sp = take_savepoint(self.rest, self.settings, c.name, c.jid, stop=True)
        record(self.settings, c.name, stopped=True, savepoint=sp, jid=c.jid)
        self.echo(f"      stopped {c.jid}; savepoint {sp}")

    def _watch(self, step: Step) -> None:
        for name, jid in self.started.items():
            state = self.rest.job(jid).get("state")
            self.echo(f"      {name}: {state}  {self.settings.dashboard_url}/#/job/running/{jid}/overview")


def _cancel_quietly(rest: FlinkRest, jid: str) -> None:
    try:
        if rest.job(jid).get("state") not in ("FAILED", "CANCELED", "FINISHED"):
            rest.cancel(jid)
            rest.wait_state(jid, {"CANCELED", "FAILED", "FINISHED"}, timeout=30)
    except SqlflowError:  # refused, or the cluster is gone (and the job with it)
        pass


def _job_to_json(job: PlannedJob) -> dict[str, Any]:
    """The deployed job as stored for rollback: secret values as ``${NAME}``, so no secret reaches the disk."""
    return {"name": job.name, "file": job.file, "hash": job.hash, "udf_modules": list(job.udf_modules),
            "models": list(job.models), "jars": list(job.jars), "requirements": list(job.requirements),
            "config": [list(kv) for kv in job.config], "modules": [list(m) for m in job.modules],
            "native": job.native,
            "statements": [[s.kind, s.template if s.template is not None else s.sql, s.template is not None,
                            s.location.file, s.location.line, s.location.column,
                            predict_to_json(s.predict) if s.predict else None] for s in job.statements]}


def _job_from_json(data: dict[str, Any], settings: TargetSettings) -> PlannedJob:
    """A stored job, with its secret ``${NAME}`` values substituted again from the project's config."""
    stmts = []
    for kind, text, templated, file, line, col, *rest in data["statements"]:
        loc = Location(file, line, col)
        sql = settings.config.substitute(text, location=loc) if templated else text
        predict = predict_from_json(rest[0]) if rest and rest[0] else None
        stmts.append(PlannedStatement(kind, sql, loc, text if templated else None, predict=predict))
    return PlannedJob(
        name=data["name"], file=data["file"], hash=data["hash"], udf_modules=tuple(data["udf_modules"]),
        models=tuple(data["models"]), jars=tuple(data["jars"]), requirements=tuple(data["requirements"]),
        config=tuple(tuple(kv) for kv in data["config"]), statements=tuple(stmts),
        modules=tuple(tuple(m) for m in data.get("modules", [])), native=bool(data.get("native")))


@contextlib.contextmanager
def deploy_lock(settings: TargetSettings) -> Iterator[None]:
    """One deploy per target at a time: a second one is refused at once (the plan is made, and the
    deployment record read, changed and written, under this lock)."""
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    path = settings.state_dir / "deploy.lock"
    with open(path, "a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.seek(0)
            holder = f.read().strip()
            raise DeployError(f"another deploy to target {settings.target} is running"
                              + (f" (process {holder})" if holder.isdigit() else ""), rule="deploy-running",
                              hint="wait for it to finish; nothing was changed") from None
        try:
            f.seek(0)
            f.truncate()
            f.write(str(os.getpid()))
            f.flush()
            yield
        finally:
            f.seek(0)
            f.truncate()
            fcntl.flock(f, fcntl.LOCK_UN)


def changes_for(settings: TargetSettings, plan: Plan | None = None,
                compiled: CompiledProject | None = None) -> Changes:
    """The plan against what runs on the target now (when its REST API does not answer, the plan assumes
    nothing runs there and ``Changes.unreachable`` says why)."""
    if not settings.deployable:
        raise embedded_refused()
    plan = plan or build_plan(settings, compiled)
    rest = FlinkRest.for_target(settings)
    try:
        running, unreachable = rest.jobs(), None
    except ServiceError as exc:
        running, unreachable = [], exc.message
    return replace(diff(plan, running, load_state(settings)), unreachable=unreachable)


def deploy(settings: TargetSettings, *, dry_run: bool = False, allow_state_reset: bool = False,
           echo: Echo = print, settle: float = 5.0, timeout: float = 120.0,
           compiled: CompiledProject | None = None) -> DeployResult:
    """Plan, show the steps, and (unless ``dry_run``) take them.

    A remote cluster that does not answer is an error before any step (the local target's cluster is
    started by the first step); only one deploy per target runs at a time. Every line given to ``echo``
    is scrubbed of secrets first (a library caller's ``print`` too, not only the CLI's streams).
    """
    raw_echo = echo
    echo = lambda line: raw_echo(scrub(line))  # noqa: E731
    if dry_run:
        changes = changes_for(settings, compiled=compiled)
        steps = plan_steps(changes, settings, allow_state_reset)
        echo(describe(changes, steps, settings))
        return DeployResult(changes, steps, dashboard_url=settings.dashboard_url)
    if not settings.deployable:
        raise embedded_refused()
    with deploy_lock(settings):
        changes = changes_for(settings, compiled=compiled)
        if changes.unreachable and settings.kind != "local":
            FlinkRest.for_target(settings).check()  # raises why: nothing answers, TLS, credentials
        steps = plan_steps(changes, settings, allow_state_reset)
        echo(describe(changes, steps, settings))
        result = DeployResult(changes, steps, dashboard_url=settings.dashboard_url)
        started = Deployer(settings, echo, allow_state_reset, settle, timeout).run(steps)
    result.jobs = {c.name: c.jid for c in changes.of("unchanged")}
    result.jobs.update(started)
    echo(f"dashboard: {settings.dashboard_url}")
    return result
