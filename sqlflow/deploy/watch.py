"""Watch a started job until it runs steadily, or turn its failure into a located error.

A job counts as started when Flink reports it RUNNING with every task
running and it stays so, without a recorded exception, for ``settle``
seconds. A failure is mapped to the job's SQL file and line where Flink's
message names one.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Callable

from sqlflow.deploy.plan import PlannedJob
from sqlflow.errors import DeployError, Location
from sqlflow.flink.java import cause_of, locate
from sqlflow.flink.native import native_failure
from sqlflow.flink.pyerrors import python_failure, with_source
from sqlflow.flink.rest import FlinkRest

_FAILING = {"FAILED", "FAILING", "RESTARTING", "CANCELED", "CANCELLING", "SUSPENDED"}
_NO_RESOURCES = re.compile(r"NoResourceAvailableException|Could not acquire the minimum required resources"
                           r"|Slot request bulk is not fulfillable")


class StartFailure(Exception):
    """A submitted job that did not reach a steady RUNNING state."""

    def __init__(self, jid: str, error: DeployError):
        super().__init__(error.message)
        self.jid = jid
        self.error = error


def _all_running(detail: dict) -> bool:
    vertices = detail.get("vertices", [])
    return bool(vertices) and all(v.get("status") == "RUNNING" for v in vertices)


def _waiting_for_slots(rest: FlinkRest, detail: dict, patience: float = 10.0) -> bool:
    """Whether the job's tasks have waited ``patience`` seconds for task slots the cluster does not have."""
    start = detail.get("start-time", 0) / 1000
    if not start or time.time() - start < patience:
        return False
    if any(v.get("status") not in ("SCHEDULED", "CREATED", "RUNNING") for v in detail.get("vertices", [])):
        return False
    return rest.overview().get("slots-available", 1) == 0


def _slots_error(rest: FlinkRest, job: PlannedJob) -> DeployError:
    """The job needs more task slots than the cluster has free (Flink says so, or its tasks wait)."""
    total = rest.overview().get("slots-total", 0)
    return DeployError(f"{job.name} cannot start: it needs more task slots than the cluster has free ({total} in all)",
                       rule="no-slots", location=failure_location(job, ""),
                       hint="raise targets.local.slots or taskmanagers in sqlflow.yaml, "
                            "or stop a job (sqlflow jobs stop NAME)")


def _failed(jid: str, job: PlannedJob, trace: str, root: Path | None) -> StartFailure:
    """The start failure of a job whose exception text is ``trace``: a Python UDF's own error at the UDF
    (or the CREATE MODEL), else Flink's root cause at the job's INSERT."""
    sources = [s.source for s in job.statements if s.source is not None]
    native = native_failure(trace, sources)
    if native is not None:
        return StartFailure(jid, DeployError(f"{job.name} failed to start: {native[0]}",
                                             location=with_source(native[1], root) or failure_location(job, ""),
                                             rule="model-failed"))
    python = python_failure(trace, sources, root)
    if python is not None:
        return StartFailure(jid, DeployError(f"{job.name} failed to start: {python.message}",
                                             location=python.location or failure_location(job, ""),
                                             rule="udf-failed"))
    cause = cause_of(trace)
    return StartFailure(jid, DeployError(f"{job.name} failed to start: {cause}", location=failure_location(job, cause),
                                         rule="job-failed"))


def failure_location(job: PlannedJob, message: str) -> Location:
    """The job's INSERT (or the line Flink names inside it)."""
    stmt = job.inserts[0] if job.inserts else job.statements[-1]
    if stmt.source is not None:
        return locate(stmt.source, message) or stmt.location
    return stmt.location


def watch_job(rest: FlinkRest, jid: str, job: PlannedJob, echo: Callable[[str], None] = print,
              settle: float = 5.0, timeout: float = 120.0, root: Path | None = None) -> str:
    """Wait until job ``jid`` runs steadily (or finished cleanly); that state, or :class:`StartFailure`
    (``root``: the project, to show a failing UDF's line)."""
    deadline = time.monotonic() + timeout
    running_since: float | None = None
    last_state = ""
    while time.monotonic() < deadline:
        detail = rest.job(jid)
        state = detail.get("state", "?")
        if state != last_state:
            echo(f"      {job.name}: {state}")
            last_state = state
        if state in _FAILING or state == "FINISHED":
            traces = rest.exceptions(jid)
            wait_until = time.monotonic() + 10
            while state != "FINISHED" and not traces and time.monotonic() < wait_until:
                time.sleep(0.5)  # a failing job records its exception a moment later
                traces = rest.exceptions(jid)
            if state == "FINISHED" and not traces:
                return state  # a bounded job that already did its work
            if traces and _NO_RESOURCES.search(traces[0]):
                raise StartFailure(jid, _slots_error(rest, job))
            if traces:
                raise _failed(jid, job, traces[0], root)
            raise StartFailure(jid, DeployError(f"{job.name} failed to start: the job went {state}",
                                                location=failure_location(job, ""), rule="job-failed"))
        if state == "RUNNING" and not _all_running(detail) and running_since is None:
            if _waiting_for_slots(rest, detail):
                raise StartFailure(jid, _slots_error(rest, job))
        if state == "RUNNING" and _all_running(detail):
            running_since = running_since or time.monotonic()
            traces = rest.exceptions(jid)
            if traces:
                raise _failed(jid, job, traces[0], root)
            if time.monotonic() - running_since >= settle:
                return state
        else:
            running_since = None
        time.sleep(0.5)
    detail = rest.job(jid)
    vertices = detail.get("vertices", [])
    up = sum(1 for v in vertices if v.get("status") == "RUNNING")
    raise StartFailure(jid, DeployError(f"{job.name} did not start within {timeout:.0f}s: job {last_state}, "
                                        f"{up} of {len(vertices)} tasks running",
                                        location=failure_location(job, ""), rule="job-timeout"))
