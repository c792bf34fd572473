"""Run a project's job files on the embedded mini-cluster and watch them."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from sqlflow import defaults
from sqlflow.config import Config
from sqlflow.errors import ConfigError, JobError
from sqlflow.targets.embedded import EmbeddedCluster, stage_python_files
from sqlflow.targets.runner import SubmittedJob, run_file, runtime_mode, shared_definitions

TERMINAL = ("FINISHED", "FAILED", "CANCELED")


def job_files(config: Config, paths: Iterable[Path] = ()) -> list[Path]:
    """The job files named (files or folders), default all of sql/, in a stable order."""
    paths = list(paths) or [config.sql_path]
    found: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found.extend(sorted(p.rglob("*.sql")))
        elif p.is_file():
            found.append(p)
        else:
            raise ConfigError(f"no such SQL file or folder: {p}")
    return found


@dataclass
class EmbeddedSession:
    """A mini-cluster plus the jobs started on it."""

    config: Config
    cluster: EmbeddedCluster
    jobs: list[SubmittedJob] = field(default_factory=list)

    @classmethod
    def start(cls, config: Config) -> "EmbeddedSession":
        cluster = EmbeddedCluster(rest_port=config.embedded.rest_port,
                                  slots=max(4, config.embedded.parallelism * 4),
                                  parallelism=config.embedded.parallelism,
                                  flink_config=dict(config.flink))
        cluster.start()
        return cls(config=config, cluster=cluster)

    def python_files(self) -> Path:
        return stage_python_files(self.config.root, self.config.udfs_dir, self.config.models_dir,
                                  self.config.state_path / "pyfiles")

    def submit(self, file: Path, streaming: bool = True, name: str | None = None,
               extra_config: dict | None = None) -> SubmittedJob:
        """Run one job file (its INSERTs become one job)."""
        mode = runtime_mode(Path(file).read_text(encoding="utf-8"))
        if mode is not None:
            streaming = mode != "batch"  # the file's own SET wins
        staged = self.python_files()
        given = {**self.config.flink, **(extra_config or {})}  # the file's own SETs come on top in run_file
        t_env = self.cluster.table_env(streaming=streaming, python_files=[staged],
                                       config=defaults.job_config(given, batch=not streaming))
        job = run_file(t_env, file, self.config, name=name, python_files=staged,
                       preamble=shared_definitions(self.config, Path(file)))
        self.jobs.append(job)
        return job

    def states(self) -> dict[str, str]:
        by_id = {j["jid"]: j["state"] for j in self.cluster.jobs()}
        return {job.name: by_id.get(job.job_id, "UNKNOWN") for job in self.jobs if job.job_id}

    def wait(self, timeout: float | None = None, on_tick: Callable[[dict[str, str]], None] | None = None,
             interval: float = 1.0) -> dict[str, str]:
        """Wait until every job has ended (bounded sources) or ``timeout``; FAILED raises."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            states = self.states()
            if on_tick:
                on_tick(states)
            for job in self.jobs:
                if job.job_id and states.get(job.name) == "FAILED":
                    raise JobError(f"job {job.name} failed: {self.cluster.job_failure(job.job_id)}")
            if all(s in TERMINAL for s in states.values()):
                return states
            if deadline is not None and time.monotonic() > deadline:
                return states
            time.sleep(interval)

    def close(self) -> None:
        self.cluster.close()
