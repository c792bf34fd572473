"""Run compiled jobs on the embedded mini-cluster and watch them (``sqlflow run``, the demo, tests)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from sqlflow import defaults
from sqlflow.compiler.compiled import JobFile
from sqlflow.compiler.lowering import write_modules
from sqlflow.config import Config
from sqlflow.errors import JobError, Location, SqlflowError
from sqlflow.flink.cluster import EmbeddedCluster
from sqlflow.flink.env import stage_python_files
from sqlflow.flink.job import run_job
from sqlflow.flink.java import cause_of
from sqlflow.flink.preflight import check_kafka
from sqlflow.flink.native import native_failure
from sqlflow.flink.pyerrors import python_failure, with_source as _with_source

TERMINAL = ("FINISHED", "FAILED", "CANCELED")
#: Failures of one job after which a run stops it (a job whose restart strategy restarts it forever).
FAILURES_BEFORE_STOP = 3
#: States of a job that is in trouble: it failed, or it fails and restarts.
TROUBLED = ("FAILED", "FAILING", "RESTARTING")


@dataclass(frozen=True)
class SubmittedJob:
    """A job started from one file."""

    name: str
    file: str
    job_id: str | None  # None when the file had no INSERT


@dataclass
class EmbeddedSession:
    """A mini-cluster plus the jobs started on it."""

    config: Config
    cluster: EmbeddedCluster
    jobs: list[SubmittedJob] = field(default_factory=list)
    _staged: Path | None = None
    _files: dict[str, JobFile] = field(default_factory=dict)

    @classmethod
    def start(cls, config: Config) -> "EmbeddedSession":
        cluster = EmbeddedCluster(rest_port=config.embedded.rest_port,
                                  slots=max(4, config.embedded.parallelism * 4),
                                  parallelism=config.embedded.parallelism,
                                  flink_config=dict(config.flink))
        cluster.start()
        return cls(config=config, cluster=cluster)

    def python_files(self, job: JobFile | None = None) -> Path:
        """The folder shipped with every job: the project's UDFs and models, and the job's
        generated modules (staged once per session; modules are added as jobs need them)."""
        if self._staged is None:
            self._staged = stage_python_files(self.config.root, self.config.udfs_dir, self.config.models_dir,
                                              self.config.state_path / "pyfiles")
        if job is not None and job.modules:
            write_modules(self._staged, job.modules)
        return self._staged

    def submit(self, job: JobFile, streaming: bool = True,
               extra_config: Mapping[str, str] | None = None) -> SubmittedJob:
        """Run one compiled job file (its INSERTs become one Flink job); a batch job runs in batch mode.

        The Kafka brokers its tables name must answer first (:func:`~sqlflow.flink.preflight.check_kafka`).
        """
        if self.config.kafka.check:
            check_kafka(job.session, job.name)
        staged = self.python_files(job)
        given = {**self.config.flink, **(extra_config or {})}  # the job's own SETs come on top in run_job
        t_env = self.cluster.job_env(job, streaming=streaming, python_files=[staged],
                                     config=defaults.job_config(given, batch=job.batch or not streaming))
        job_id = run_job(t_env, job, base=self.config.root)
        self._files[job.name] = job
        submitted = SubmittedJob(name=job.name, file=job.path, job_id=job_id)
        self.jobs.append(submitted)
        return submitted

    def states(self) -> dict[str, str]:
        by_id = {j["jid"]: j["state"] for j in self.cluster.jobs()}
        return {job.name: by_id.get(job.job_id, "UNKNOWN") for job in self.jobs if job.job_id}

    def wait(self, timeout: float | None = None, on_tick: Callable[[dict[str, str]], None] | None = None,
             interval: float = 1.0) -> dict[str, str]:
        """Wait until every job has ended (bounded sources) or ``timeout``; FAILED raises.

        The states at the end are returned: at a timeout, jobs may still be running (or in
        trouble: FAILING, RESTARTING; :meth:`failure` says why).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            states = self.states()
            if on_tick:
                on_tick(states)
            for job in self.jobs:
                if job.job_id and states.get(job.name) == "FAILED":
                    message, where = self._why(job)
                    raise JobError(f"job {job.name} failed: {message}", location=where,
                                   rule="udf-failed" if where is not None else "job-failed")
                if job.job_id and states.get(job.name) not in TERMINAL:
                    self._give_up_on_a_loop(job)
            if all(s in TERMINAL for s in states.values()):
                return states
            if deadline is not None and time.monotonic() > deadline:
                return states
            time.sleep(interval)

    def _give_up_on_a_loop(self, job: SubmittedJob) -> None:
        """A job that failed :data:`FAILURES_BEFORE_STOP` times is failing in a loop (its restart strategy
        starts it again and again, say a UDF that raises in ``open()``): the run stops with its cause."""
        try:
            failures = len(self.cluster.client.exceptions(job.job_id))
        except SqlflowError:
            return
        if failures >= FAILURES_BEFORE_STOP:
            message, where = self._why(job)
            try:  # stopped, not left restarting on a cluster that outlives the run
                self.cluster.client.cancel(job.job_id)
            except SqlflowError:
                pass
            raise JobError(f"job {job.name} failed: {message}", location=where,
                           rule="udf-failed" if where is not None else "job-failed",
                           notes=[f"it failed {failures} times: Flink's restart strategy started it again after "
                                  "each failure, and the run stops here"])

    def failure(self, name: str) -> str | None:
        """Why the job ``name`` failed or restarts: the cause Flink recorded last, if any."""
        job = next((j for j in self.jobs if j.name == name and j.job_id), None)
        if job is None:
            return None
        cause, _ = self._why(job)
        return None if cause == "unknown cause" else cause

    def _why(self, job: SubmittedJob) -> tuple[str, Location | None]:
        """Why a job failed: a Python UDF's own error at its place in the project, else Flink's root cause."""
        try:
            traces = self.cluster.client.exceptions(job.job_id)
        except SqlflowError:
            return "unknown cause", None
        compiled = self._files.get(job.name)
        for text in traces:
            native = native_failure(text, compiled.session if compiled else ())
            if native is not None:
                return native[0], _with_source(native[1], self.config.root)
            failure = python_failure(text, compiled.session if compiled else (), self.config.root)
            if failure is not None:
                return failure.message, failure.location
        for text in traces:
            cause = cause_of(text)
            if cause:
                return cause, None
        return "unknown cause", None

    def close(self) -> None:
        self.cluster.close()
