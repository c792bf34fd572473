"""The project's jobs on a target: list them with metrics, stop, cancel, savepoint.

Jobs are found by name (``<project>.<file>``, as the plan names them), so a
user never needs a Flink job id.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlflow.flink.rest import FlinkRest, JobSummary
from sqlflow.config import TargetSettings
from sqlflow.deploy.savepoints import take_savepoint
from sqlflow.deploy.state import record
from sqlflow.errors import DeployError, did_you_mean


@dataclass(frozen=True)
class JobRow:
    """One line of ``sqlflow jobs``."""

    name: str
    jid: str
    state: str
    uptime_s: float
    records_in: int
    records_out: int
    dashboard: str


def _operator_io(metrics: dict[str, float]) -> tuple[int, int] | None:
    """Records in (read by source operators) and out (reaching sink operators), from the
    operator metrics of the job's vertices; None when the job shows none of them.

    Operator metrics count inside a chain too, so a job whose operators all run in one
    task (Kafka -> Python UDF -> Kafka) is counted, where the vertices' network I/O
    metrics show 0 in and 0 out.
    """
    rin = rout = 0
    found = False
    for name, value in metrics.items():
        operator, _, metric = name.rpartition(".")
        if operator.startswith("Source__") and metric == "numRecordsOut":
            rin += int(value)
            found = True
        elif (operator.endswith("__Writer") or operator.startswith("Sink__")) and metric == "numRecordsIn":
            rout += int(value)
            found = True
    return (rin, rout) if found else None


def _wanted(name: str) -> bool:
    operator, _, metric = name.rpartition(".")
    return (operator.startswith("Source__") and metric == "numRecordsOut") or (
        (operator.endswith("__Writer") or operator.startswith("Sink__")) and metric == "numRecordsIn")


def _records(rest: FlinkRest, jid: str, detail: dict) -> tuple[int, int]:
    metrics: dict[str, float] = {}
    try:
        for v in detail.get("vertices", []):
            metrics.update(rest.vertex_metrics(jid, v["id"], _wanted))
    except (DeployError, KeyError, TypeError, ValueError):  # an older or odd REST API: the I/O metrics
        metrics = {}
    return _operator_io(metrics) or _io(detail)


def _io(detail: dict) -> tuple[int, int]:
    """Records in (written by source vertices) and out (read by sink vertices)."""
    nodes = detail.get("plan", {}).get("nodes", [])
    feeding = {i["id"] for n in nodes for i in n.get("inputs", [])}
    has_input = {n["id"] for n in nodes if n.get("inputs")}
    rin = rout = 0
    for v in detail.get("vertices", []):
        m = v.get("metrics", {})
        if v["id"] not in has_input:
            rin += int(m.get("write-records", 0))
        if v["id"] not in feeding:
            rout += int(m.get("read-records", 0))
    return rin, rout


def list_jobs(settings: TargetSettings, all_states: bool = False) -> list[JobRow]:
    """The project's jobs on the target (running ones, or all with ``all_states``)."""
    rest = FlinkRest.for_target(settings)
    rows = []
    now = time.time() * 1000
    for j in rest.jobs():
        if not j.name.startswith(settings.project + ".") or not (all_states or j.active):
            continue
        detail = rest.job(j.jid)
        rin, rout = _records(rest, j.jid, detail)
        up = (now - j.start_time) / 1000 if j.active else j.duration / 1000
        rows.append(JobRow(j.name, j.jid, j.state, round(up, 1), rin, rout,
                           f"{settings.dashboard_url}/#/job/{'running' if j.active else 'completed'}/{j.jid}/overview"))
    return rows


def find_job(settings: TargetSettings, name: str) -> JobSummary:
    """The active job called ``name`` (or ``<project>.name``)."""
    rest = FlinkRest.for_target(settings)
    active = [j for j in rest.jobs() if j.active]
    for j in active:
        if j.name in (name, f"{settings.project}.{name}") or j.jid == name:
            return j
    near = did_you_mean(name, [j.name for j in active])
    raise DeployError(f"no running job named {name!r} on {settings.rest_url}",
                      hint=f"did you mean {near!r}?" if near else "sqlflow jobs lists the running jobs")


def stop_job(settings: TargetSettings, name: str, savepoint: bool = True) -> str | None:
    """Stop a job, with a savepoint (its location) or by cancelling it (None)."""
    job = find_job(settings, name)
    rest = FlinkRest.for_target(settings)
    if not savepoint:
        return cancel_job(settings, name)
    location = take_savepoint(rest, settings, job.name, job.jid, stop=True)
    rest.wait_state(job.jid, {"FINISHED", "CANCELED", "FAILED"}, timeout=60)
    record(settings, job.name, stopped=True, savepoint=location, jid=job.jid)
    return location


def cancel_job(settings: TargetSettings, name: str) -> None:
    """Cancel a job without a savepoint."""
    job = find_job(settings, name)
    rest = FlinkRest.for_target(settings)
    rest.cancel(job.jid)
    rest.wait_state(job.jid, {"CANCELED", "FAILED", "FINISHED"}, timeout=60)
    record(settings, job.name, stopped=True, savepoint=None, jid=job.jid)
    return None


def savepoint_job(settings: TargetSettings, name: str) -> str:
    """Take a savepoint of a running job; its location."""
    job = find_job(settings, name)
    location = take_savepoint(FlinkRest.for_target(settings), settings, job.name, job.jid, stop=False)
    record(settings, job.name, last_savepoint=location)
    return location


def format_rows(rows: list[JobRow]) -> str:
    """The jobs as an aligned table."""
    if not rows:
        return "no jobs of this project are running"
    head = ("NAME", "STATE", "UPTIME", "IN", "OUT", "DASHBOARD")
    body = [(r.name, r.state, _uptime(r.uptime_s), str(r.records_in), str(r.records_out), r.dashboard) for r in rows]
    widths = [max(len(x[i]) for x in (head, *body)) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in (head, *body))


def _uptime(s: float) -> str:
    s = int(s)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{(s % 3600) // 60:02d}m"
