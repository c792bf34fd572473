"""A project context: the configuration loaded once, the project compiled once, and what the
commands do with them.

Every ``sqlflow`` command is a thin call onto a :class:`Context`::

    ctx = Context.find(paths)             # the project holding the paths (or the working folder)
    ctx.validate(paths, planner=True)     # the compiler's diagnostics (and Flink's planner's)
    ctx.plan("local")                      # the plan against what runs on the target
    ctx.deploy("local")                    # take its steps
    ctx.run(paths, timeout=60)             # run job files on the embedded mini-cluster
    ctx.test(paths)                        # the declarative SQL tests

Everything after the compiler works on ``ctx.compiled``: no command reads or
splits a SQL file again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from sqlflow.compiler.compiled import CompiledProject, JobFile, compile_project
from sqlflow.compiler.lineage import Flow, lineage
from sqlflow.config import Config, TargetSettings, load_config
from sqlflow.deploy.local import start_local_cluster, stop_local_cluster
from sqlflow.deploy.plan import Changes, build_plan
from sqlflow.deploy.steps import DeployResult, Step, changes_for, deploy, plan_steps
from sqlflow.errors import ConfigError, Diagnostics, SqlflowError
from sqlflow.flink.explain import planner_check
from sqlflow.flink.session import TROUBLED, EmbeddedSession, SubmittedJob
from sqlflow.paths import find_project_root

if TYPE_CHECKING:
    from sqlflow.sqltest import TestResult

Echo = Callable[[str], None]


@dataclass
class Validation:
    """What ``validate`` found in the files asked about."""

    compiled: CompiledProject
    diagnostics: list[SqlflowError]
    files: list[str]  # the files reported on, relative to the project root

    @property
    def errors(self) -> list[SqlflowError]:
        return [d for d in self.diagnostics if d.severity == "error"]


@dataclass
class RunOutcome:
    """How ``run`` ended: each job's last state, and why a troubled one is in trouble."""

    states: dict[str, str] = field(default_factory=dict)
    timed_out: bool = False
    causes: dict[str, str] = field(default_factory=dict)  # job -> what Flink recorded for a failing job

    @property
    def failed(self) -> bool:
        return bool(self.causes) or any(s in TROUBLED for s in self.states.values())


class Context:
    """One project: its configuration (loaded once) and its compiled form (compiled once, on first use)."""

    def __init__(self, config: Config):
        self.config = config

    @classmethod
    def load(cls, project: Path | None = None, overrides: Mapping[str, Any] | None = None) -> "Context":
        """The project at ``project`` (default: the nearest folder above the working one with sqlflow.yaml)."""
        return cls(load_config(project, overrides=overrides))

    @classmethod
    def find(cls, paths: list[Path], overrides: Mapping[str, Any] | None = None) -> "Context":
        """The project holding ``paths`` (the first of them), else the working folder's."""
        start = (paths[0] if paths else Path.cwd()).resolve()
        root = find_project_root(start if start.is_dir() else start.parent)
        if not (root / "sqlflow.yaml").exists():
            root = find_project_root(Path.cwd())
        return cls.load(root, overrides)

    @property
    def root(self) -> Path:
        return self.config.root

    @cached_property
    def compiled(self) -> CompiledProject:
        """The whole project, compiled (a file reads tables other files define)."""
        return compile_project(config=self.config)

    # -- the compiler ---------------------------------------------------------------------

    def files(self, paths: list[Path]) -> list[str]:
        """The project's SQL files at or under ``paths`` (all of them without paths), relative to the root."""
        every = [j.path for j in self.compiled.jobs]
        if not paths:
            return every
        chosen = []
        for p in paths:
            p = Path(p).resolve()
            for rel in every:
                f = (self.root / rel).resolve()
                if f == p or p in f.parents:
                    chosen.append(rel)
        return list(dict.fromkeys(chosen))

    def validate(self, paths: list[Path] = (), planner: bool = False) -> Validation:
        """The compiler's diagnostics for the files at ``paths`` (and udfs/, sqlflow.yaml); with
        ``planner``, Flink's planner's too (when the compiler found no error)."""
        compiled = self.compiled
        files = self.files(list(paths))
        diagnostics = [d for d in compiled.diagnostics if d.location is None or d.location.file in files
                       or not d.location.file.endswith(".sql")]
        if planner and compiled.ok:
            diagnostics += [d for d in planner_check(compiled) if d.location is None or d.location.file in files]
        return Validation(compiled, diagnostics, files)

    def lineage(self, paths: list[Path] = ()) -> list[Flow]:
        """Which sources feed which sinks in the files at ``paths``."""
        return lineage(self.compiled.project, set(self.files(list(paths))))

    # -- targets --------------------------------------------------------------------------

    def target(self, name: str | None = None, rest_url: str | None = None) -> TargetSettings:
        return self.config.target_settings(name, rest_url)

    def plan(self, target: str | None = None, rest_url: str | None = None,
             allow_state_reset: bool = False) -> tuple[TargetSettings, Changes, list[Step]]:
        """The plan against what runs on the target, and the steps a deploy would take."""
        settings = self.target(target, rest_url)
        changes = changes_for(settings, compiled=self.compiled)
        return settings, changes, plan_steps(changes, settings, allow_state_reset)

    def deploy(self, target: str | None = None, rest_url: str | None = None, *, dry_run: bool = False,
               allow_state_reset: bool = False, echo: Echo = print, timeout: float = 120.0) -> DeployResult:
        """Bring the target to the plan (or, with ``dry_run``, show the steps only)."""
        settings = self.target(target, rest_url)
        return deploy(settings, dry_run=dry_run, allow_state_reset=allow_state_reset, echo=echo,
                      timeout=timeout, compiled=self.compiled)

    def emit_manifests(self, out_dir: Path, rest_url: str | None = None) -> list[Path]:
        """The kubernetes target's manifests, written into ``out_dir``."""
        settings = self.target("kubernetes", rest_url)
        from sqlflow.deploy.kubernetes import emit_manifests  # off the start-up path of the other commands

        return emit_manifests(settings, out_dir, build_plan(settings, self.compiled))

    def jobs(self, target: str | None = None, rest_url: str | None = None) -> TargetSettings:
        """The target whose jobs ``sqlflow jobs`` lists and steers (see :mod:`sqlflow.deploy.jobs`); the
        embedded one too, while a ``sqlflow run --keep`` or ``sqlflow demo`` process serves it."""
        return self.target(target, rest_url)

    def up(self) -> Any:
        """Start the local target's Flink cluster (``sqlflow up``)."""
        return start_local_cluster(self.config)

    def down(self) -> bool:
        """Stop the local target's Flink cluster; whether it ran."""
        return stop_local_cluster(self.config)

    # -- running on the embedded mini-cluster ---------------------------------------------

    def job_files(self, paths: list[Path]) -> list[JobFile]:
        """The compiled files to run: those at ``paths`` (files or folders), default all of sql/."""
        compiled = self.compiled
        out: list[JobFile] = []
        for p in paths or [self.config.sql_path]:
            p = Path(p)
            if not p.exists():
                raise ConfigError(f"no such SQL file or folder: {p}")
            found = sorted(p.rglob("*.sql")) if p.is_dir() else [p]
            for f in found:
                job = compiled.file_of(f)
                if job is None:
                    raise ConfigError(f"{f} is not under the project's SQL folder ({self.config.sql_path})",
                                      hint="run it from its own project, or name a file under sql/")
                out.append(job)
        return list(dict.fromkeys(out))

    def check_files(self, jobs: list[JobFile]) -> None:
        """Stop at the compiler's errors in these files (and udfs/, sqlflow.yaml): other files' do not count."""
        chosen = {j.path for j in jobs}
        others = {j.path for j in self.compiled.jobs} - chosen
        errors = [e for e in self.compiled.errors if e.location is None or e.location.file not in others]
        if errors:
            raise Diagnostics(errors)

    def run(self, session: EmbeddedSession, jobs: list[JobFile], *, batch: bool = False,
            timeout: float | None = None, on_started: Callable[[SubmittedJob], None] | None = None,
            on_tick: Callable[[dict[str, str]], None] | None = None) -> RunOutcome:
        """Run ``jobs`` on ``session`` and wait until they end or ``timeout`` passes.

        A FAILED job raises its cause; at a timeout, each job's state says what became of it,
        and a job that was failing or restarting is a failure with the cause Flink recorded.
        """
        for job in jobs:
            submitted = session.submit(job, streaming=not batch)
            if on_started:
                on_started(submitted)
        started = time.monotonic()
        states = session.wait(timeout=timeout, on_tick=on_tick)
        outcome = RunOutcome(states=states, timed_out=timeout is not None and time.monotonic() - started >= timeout
                             and not all(s in ("FINISHED", "CANCELED", "FAILED") for s in states.values()))
        if outcome.timed_out:
            for name, state in states.items():
                cause = session.failure(name)
                if state in TROUBLED or cause:
                    outcome.causes[name] = cause or f"the job was {state}"
        return outcome

    # -- tests ----------------------------------------------------------------------------

    def tests(self, paths: list[Path], keyword: str | None = None) -> list[Path]:
        """The test files at ``paths`` (default: every *.test.yaml under sql/) whose name holds ``keyword``."""
        from sqlflow.sqltest import find_tests  # the SQL test runner: off the start-up path of the other commands

        files = find_tests(list(paths) or [self.config.sql_path])
        return [f for f in files if keyword in f.name] if keyword else files

    def test(self, files: list[Path]) -> Iterator["TestResult"]:
        """Run the test files on one mini-cluster, one result at a time. Their jobs are read from the
        compiled project (compiled again only for a test that sets ``vars`` of its own); a test of a job
        in another project reads that project."""
        from sqlflow.sqltest import SqlTestRunner  # off the start-up path of the other commands

        with SqlTestRunner(config=self.config, compiled=self.compiled) as runner:
            for file in files:
                yield runner.run(file)


__all__ = ["Context", "RunOutcome", "Validation"]
