"""Faults injected under a running exactly-once job, driven through sqlflow's own interface.

A temporary sqlflow project on the ``local`` target (a standalone Flink
cluster with two TaskManagers and a KRaft broker, both from ``sqlflow up``)
holds one job, deployed with ``sqlflow deploy``: Kafka -> the CTR model
(the shipped ONNX UDF, ``udfs/pipeline_models.py``) -> two Kafka sinks, one
exactly-once and one at-least-once, fed by the same query, so every fault hits
both alike. A producer writes ids 0, 1, 2, ... at a steady rate; consumers
read both outputs ``read_committed`` and note when each id first shows up.

Faults, each injected only after the job has recovered from the one before:

``taskmanager``
    SIGKILL the TaskManager process that runs the job (found through the REST
    API and the ports it listens on).
``python-worker``
    SIGKILL the Python UDF worker processes under that TaskManager.
``broker``
    stop the Kafka broker (SIGTERM, as ``sqlflow down`` does) and start it
    again with ``sqlflow up --kafka-only`` (same data, same port).
``savepoint``
    ``sqlflow jobs stop NAME --savepoint``, then ``sqlflow deploy`` again, which
    resumes the job from that savepoint.

The run plays the part of a process supervisor (:class:`Supervisor`): a
TaskManager that died is started again with ``sqlflow up``, as Kubernetes or
a restart policy would. A fault's recovery time is from the fault to the first
output record (as a read_committed reader sees it) of an id produced after the
fault. At the end,
each output is compared with the input: per id, how many times it came out.

The job's model call is one of :data:`MODEL_CALLS`: the Python UDF runtime
(whose worker process the ``python-worker`` fault kills), or the native model
runtime (``CREATE MODEL`` + ``ML_PREDICT``, in the TaskManager's JVM: its task
dies with the TaskManager the ``taskmanager`` fault kills; it has no process of
its own to kill, so the ``python-worker`` fault does not apply to it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sqlflow.kafka.topics import read_topic
from sqlflow.kafka.broker import pid_running, stop_detached

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its sibling, also when loaded by file path

from fault_traffic import Producer, Watcher  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
JOB = "score"
TOPIC_IN, TOPIC_EO, TOPIC_ALO = "requests", "scored_eo", "scored_alo"
FAULTS = ("taskmanager", "python-worker", "broker", "savepoint")

#: How the job calls the model: the statements that declare it, and the view ``scored`` (id, score).
MODEL_CALLS: dict[str, tuple[str, str]] = {
    "python-udf": ("CREATE TEMPORARY FUNCTION ctr_score AS 'udfs.pipeline_models.ctr_score' LANGUAGE PYTHON;\n",
                   "CREATE TEMPORARY VIEW scored AS SELECT id, ctr_score("
                   + ", ".join(["x", "1 - x", "x * x", "0.5"] * 4) + ") AS score FROM requests;\n"),
    "native": ("CREATE TEMPORARY MODEL ctr INPUT (" + ", ".join(f"f{i} FLOAT" for i in range(16))
               + ") OUTPUT (probability FLOAT) WITH ('provider' = 'onnx', 'path' = 'models/ctr.onnx');\n",
               "CREATE TEMPORARY VIEW features AS SELECT id, "
               + ", ".join(f"CAST({e} AS FLOAT) AS f{i}" for i, e in enumerate(["x", "1 - x", "x * x", "0.5"] * 4))
               + " FROM requests;\n"
               "CREATE TEMPORARY VIEW scored AS SELECT id, CAST(probability AS DOUBLE) AS score "
               "FROM ML_PREDICT(TABLE features, MODEL ctr, DESCRIPTOR(" + ", ".join(f"f{i}" for i in range(16))
               + "));\n"),
}
#: The faults that apply to each model runtime.
MODEL_FAULTS: dict[str, tuple[str, ...]] = {"python-udf": FAULTS, "native": ("taskmanager", "broker", "savepoint")}

JOB_SQL = """-- Requests scored by the CTR model, written twice: exactly-once, and at-least-once for comparison.
SET 'python.fn-execution.bundle.time' = '100';
{declarations}
CREATE TEMPORARY TABLE requests (id BIGINT, x DOUBLE) WITH (
    'connector' = 'kafka', 'topic' = '{topic_in}', 'properties.bootstrap.servers' = '${{KAFKA_BOOTSTRAP}}',
    'properties.group.id' = 'faults', 'properties.isolation.level' = 'read_committed',
    'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
CREATE TEMPORARY TABLE scored_eo (id BIGINT, score DOUBLE) WITH (
    'connector' = 'kafka', 'topic' = '{topic_eo}', 'properties.bootstrap.servers' = '${{KAFKA_BOOTSTRAP}}',
    'format' = 'json', 'sink.delivery-guarantee' = 'exactly-once');
CREATE TEMPORARY TABLE scored_alo (id BIGINT, score DOUBLE) WITH (
    'connector' = 'kafka', 'topic' = '{topic_alo}', 'properties.bootstrap.servers' = '${{KAFKA_BOOTSTRAP}}',
    'format' = 'json', 'sink.delivery-guarantee' = 'at-least-once');
{scored}INSERT INTO scored_eo SELECT id, score FROM scored;
INSERT INTO scored_alo SELECT id, score FROM scored;
"""


def faults_project(model: str = "python-udf") -> dict[str, str | Path]:
    """The files of the fault runs' project: the job, the CTR model's UDF module and the model."""
    declarations, scored = MODEL_CALLS[model]
    return {
        f"sql/{JOB}.sql": JOB_SQL.format(declarations=declarations, scored=scored, topic_in=TOPIC_IN,
                                         topic_eo=TOPIC_EO, topic_alo=TOPIC_ALO),
        "udfs/__init__.py": "",
        "udfs/pipeline_models.py": REPO / "udfs" / "pipeline_models.py",
        "models/ctr.onnx": REPO / "models" / "ctr.onnx",
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the project and its stack, through the CLI -------------------------------------------------


@dataclass
class Stack:
    """A temporary project on the local target: its folder, ports, and the CLI run in it."""

    root: Path
    rest_port: int
    kafka_port: int
    name: str = "faults"
    log: Callable[[str], None] = print
    cli_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def job_name(self) -> str:
        return f"{self.name}.{JOB}"

    def job_named(self, name: str) -> dict[str, Any]:
        """The newest job called ``name`` (any state), from /jobs/overview."""
        jobs = [j for j in self.rest("/jobs/overview")["jobs"] if j["name"] == name]
        if not jobs:
            raise RuntimeError(f"no job {name} on the cluster")
        return max(jobs, key=lambda j: j["start-time"])

    @classmethod
    def create(cls, root: Path, files: dict[str, str | Path], name: str = "faults",
               flink: dict[str, str] | None = None, variables: dict[str, str] | None = None,
               taskmanagers: int = 2, log: Callable[[str], None] = print) -> "Stack":
        """Write a project: ``files`` (path -> text, or a file to copy) and sqlflow.yaml for the local
        target on free ports."""
        rest, kafka, rpc = free_port(), free_port(), free_port()
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, Path):
                shutil.copy(content, path)
            else:
                path.write_text(content)
        settings = {"jobmanager.rpc.port": str(rpc), **(flink or {})}
        flink_yaml = "".join(f"  {k}: \"{v}\"\n" for k, v in settings.items())
        vars_yaml = "".join(f"  {k}: \"{v}\"\n" for k, v in (variables or {}).items()) or "  {}\n"
        (root / "sqlflow.yaml").write_text(
            f"name: {name}\ntarget: local\nkafka:\n  bootstrap: 127.0.0.1:{kafka}\n"
            f"targets:\n  local:\n    rest_port: {rest}\n    kafka_port: {kafka}\n    taskmanagers: {taskmanagers}\n"
            f"    slots: 2\n    taskmanager_memory: 1536m\n    jobmanager_memory: 1024m\n"
            f"flink:\n{flink_yaml}vars:\n{vars_yaml}")
        return cls(root, rest, kafka, name, log)

    def cli(self, *args: str, timeout: float = 300) -> str:
        """Run ``sqlflow ARGS`` in the project; its output. A failure raises with what it printed."""
        start = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "sqlflow", *args], cwd=self.root, capture_output=True,
                              text=True, timeout=timeout)
        self.cli_seconds[" ".join(args)] = round(time.monotonic() - start, 1)
        if proc.returncode != 0:
            raise RuntimeError(f"sqlflow {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout

    def rest(self, path: str) -> Any:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.rest_port}{path}", timeout=10) as resp:
            return json.loads(resp.read())

    def job(self) -> dict[str, Any]:
        """The running (or restarting) job of this project, from /jobs/overview."""
        jobs = [j for j in self.rest("/jobs/overview")["jobs"] if j["name"] == self.job_name]
        active = [j for j in jobs if j["state"] not in ("FINISHED", "CANCELED", "FAILED")]
        if not active:
            raise RuntimeError(f"no active job {self.job_name}: {[(j['jid'], j['state']) for j in jobs]}")
        return active[0]

    def restarts(self, jid: str) -> int:
        """How often the job failed and restarted: its exception history (current at once; the
        numRestarts metric reaches the REST API only every 10 s), or that metric if it says more."""
        history = (self.rest(f"/jobs/{jid}/exceptions").get("exceptionHistory") or {}).get("entries") or []
        metric = self.rest(f"/jobs/{jid}/metrics?get=numRestarts")
        return max(len(history), int(float(metric[0]["value"])) if metric else 0)

    def checkpoints(self, jid: str) -> dict[str, Any]:
        return self.rest(f"/jobs/{jid}/checkpoints")

    def flink_pids(self) -> dict[str, list[int]]:
        """The cluster's processes, from the pid files ``sqlflow up`` wrote."""
        out: dict[str, list[int]] = {}
        for f in sorted((self.root / ".sqlflow" / "local" / "flink" / "pid").glob("*.pid")):
            kind = "taskmanager" if "taskexecutor" in f.name else "jobmanager"
            out.setdefault(kind, []).extend(int(x) for x in f.read_text().split() if x.isdigit())
        return out

    def broker_pid(self) -> int | None:
        f = self.root / ".sqlflow" / "kafka.pid"
        return int(f.read_text().split()[0]) if f.exists() else None

    def down(self) -> None:
        """``sqlflow down``; then any process of this stack still alive is killed by pid."""
        pids = [p for group in self.flink_pids().values() for p in group] + [p for p in [self.broker_pid()] if p]
        try:
            self.cli("down", timeout=120)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            self.log(f"sqlflow down: {exc}")
        for pid in pids:
            for child in descendants(pid):
                kill(child, signal.SIGKILL)
            kill(pid, signal.SIGKILL)


# -- processes ----------------------------------------------------------------------------------


def kill(pid: int, sig: int) -> bool:
    try:
        os.kill(pid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, children first."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().split(")")[-1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    out, todo = [], list(children.get(pid, []))
    while todo:
        p = todo.pop(0)
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def listening_ports(pid: int) -> set[int]:
    """TCP ports process ``pid`` listens on (from /proc: its socket inodes in the LISTEN table)."""
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return set()
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A" and parts[9] in inodes:  # 0A: LISTEN
                ports.add(int(parts[1].rsplit(":", 1)[1], 16))
    return ports


def job_taskmanager(stack: Stack) -> int:
    """The pid of the TaskManager that runs the job's (first) task."""
    jid = stack.job()["jid"]
    vertex = stack.rest(f"/jobs/{jid}")["vertices"][0]["id"]
    tm_id = stack.rest(f"/jobs/{jid}/vertices/{vertex}/taskmanagers")["taskmanagers"][0]["taskmanager-id"]
    info = stack.rest(f"/taskmanagers/{tm_id}")
    ports = {int(info["dataPort"])} if info.get("dataPort") else set()
    path = info.get("path", "")
    if ":" in path:
        ports.add(int(path.split("@", 1)[-1].split("/", 1)[0].rsplit(":", 1)[1]))
    for pid in stack.flink_pids().get("taskmanager", []):
        if pid_running(pid) and listening_ports(pid) & ports:
            return pid
    raise RuntimeError(f"no TaskManager process listens on {sorted(ports)} (TaskManager {tm_id})")


class Supervisor(threading.Thread):
    """Starts TaskManagers that died again with ``sqlflow up``, as a process supervisor would (Kubernetes,
    docker-compose's restart policy): a TaskManager killed, or taken down by a Python worker's death
    (Flink treats an error while a failed task cleans up as fatal), comes back within seconds."""

    def __init__(self, stack: Stack, taskmanagers: int) -> None:
        super().__init__(daemon=True)
        self.stack, self.taskmanagers = stack, taskmanagers
        self.halt, self.paused = threading.Event(), threading.Event()
        self.restarted: list[float] = []  # monotonic times it started TaskManagers again

    def run(self) -> None:
        while not self.halt.wait(1.0):
            if self.paused.is_set():
                continue
            alive = [p for p in self.stack.flink_pids().get("taskmanager", []) if pid_running(p)]
            if len(alive) < self.taskmanagers:
                try:
                    self.stack.cli("up", timeout=300)
                    self.restarted.append(time.monotonic())
                    self.stack.log(f"supervisor: {self.taskmanagers - len(alive)} TaskManager(s) started again")
                except (RuntimeError, subprocess.TimeoutExpired) as exc:
                    self.stack.log(f"supervisor: sqlflow up failed: {exc}")


# -- one run --------------------------------------------------------------------------------------


@dataclass
class FaultResult:
    """One fault: when, how long until new output came again, and what it did to the outputs."""

    fault: str
    at_id: int  # ids produced when it was injected
    recovery_s: float  # from the fault to the first exactly-once output of an id produced after it
    recovery_alo_s: float | None  # the same for the at-least-once sink
    down_s: float  # how long the fault itself took (the broker's restart, the stop with a savepoint)
    restarts: int  # restarts of the job it caused (the savepoint fault starts a new job: 0)
    extra_copies: int  # duplicates the exactly-once output received until the next fault
    extra_copies_alo: int  # the same for the at-least-once output
    detail: str = ""
    timeline: dict[str, float] = field(default_factory=dict)  # JobManager events, s after the fault


@dataclass
class RunResult:
    records: int
    rate: float
    faults: list[FaultResult]
    lost: int
    duplicated: int  # extra copies in the exactly-once output
    alo_lost: int
    alo_duplicated: int
    input_duplicated: int
    restarts: int
    latency_p50_s: float
    latency_p95_s: float
    checkpoints: dict[str, Any]
    seconds: float
    load: tuple[float, float, float]
    settings: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["faults"] = [dict(f.__dict__) for f in self.faults]
        return out


def _wait(what: str, check: Callable[[], Any], timeout: float, step: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(step)
    raise TimeoutError(f"{what} did not happen within {timeout:.0f} s")


def inject(stack: Stack, fault: str, supervisor: Supervisor | None = None) -> tuple[float, float, str]:
    """Inject one fault: when output stopped being possible, how long the fault took, what was done.

    For ``savepoint`` the job runs until its stop with a savepoint returns, so
    that is when it went down; the redeploy is part of the recovery.
    """
    if fault == "taskmanager":
        pid = job_taskmanager(stack)
        start = time.monotonic()
        kill(pid, signal.SIGKILL)
        return start, 0.0, f"SIGKILL TaskManager pid {pid}"
    if fault == "python-worker":
        tm = job_taskmanager(stack)
        workers = [p for p in descendants(tm) if "pyflink" in cmdline(p) or "python" in cmdline(p).split(" ")[0]]
        if not workers:
            raise RuntimeError(f"no Python worker under TaskManager {tm}")
        start = time.monotonic()
        for p in workers:
            kill(p, signal.SIGKILL)
        return start, 0.0, f"SIGKILL {len(workers)} Python worker process(es) under TaskManager {tm}"
    start = time.monotonic()
    if fault == "broker":
        pid = stack.broker_pid()
        if supervisor is not None:
            supervisor.paused.set()  # its `sqlflow up` would start the broker too
        try:
            if not stop_detached(stack.root / ".sqlflow" / "kafka.pid"):  # as `sqlflow down` stops it
                raise RuntimeError(f"the broker (pid {pid}) was not running")
            stopped = time.monotonic() - start
            stack.cli("up", "--kafka-only", timeout=180)
        finally:
            if supervisor is not None:
                supervisor.paused.clear()
        took = time.monotonic() - start
        return start, took, f"broker pid {pid} stopped ({stopped:.1f} s) and started again ({took:.1f} s in all)"
    if fault == "savepoint":
        out = stack.cli("jobs", "stop", stack.job_name, "--savepoint", timeout=180).strip()
        down = time.monotonic()
        stack.cli("deploy", "--target", "local", timeout=400)
        return down, down - start, (out.splitlines()[-1] if out else "stopped with a savepoint") + "; deployed again"
    raise ValueError(f"unknown fault {fault!r}")


def run(root: Path, records: int = 20_000, rate: float = 500.0, faults: tuple[str, ...] = FAULTS,
        flink: dict[str, str] | None = None, settle: float = 4.0, recovery_timeout: float = 180.0,
        drain_timeout: float = 300.0, model: str = "python-udf", log: Callable[[str], None] = print) -> RunResult:
    """Start the stack, run the job through the faults, stop everything; what the outputs held."""
    t0 = time.monotonic()
    stack = Stack.create(root, faults_project(model), flink=flink, log=log)
    producer = eo = alo = supervisor = None
    try:
        log(stack.cli("up", timeout=300).strip())
        create_topics(stack.bootstrap)
        stack.cli("deploy", "--target", "local", timeout=400)
        supervisor = Supervisor(stack, taskmanagers=2)
        supervisor.start()
        producer = Producer(stack.bootstrap, TOPIC_IN, rate, records)
        eo, alo = Watcher(stack.bootstrap, TOPIC_EO), Watcher(stack.bootstrap, TOPIC_ALO)
        for t in (producer, eo, alo):
            t.start()
        _wait("the first exactly-once output", lambda: eo.records > 0, recovery_timeout)
        steady_from = producer.count
        time.sleep(settle * 2)
        steady_to = producer.count
        faulted: list[tuple[str, int, float, float, str, int, int]] = []
        for fault in faults:
            time.sleep(settle)
            jid = stack.job()["jid"]
            before = stack.restarts(jid)
            at = producer.count
            wall = time.time() - time.monotonic()  # the wall clock at monotonic 0: places log lines
            t_fault, down_s, detail = inject(stack, fault, supervisor)
            log(f"{fault}: {detail} at id {at}")
            seen = _wait(f"new output after the {fault} fault", lambda: eo.first_after(t_fault, producer.sent_at),
                         recovery_timeout)
            log(f"{fault}: first new exactly-once output after {seen - t_fault:.1f} s")
            after = stack.job()
            restarts = stack.restarts(after["jid"]) - before if after["jid"] == jid else 0
            if any(t_fault <= t <= seen for t in supervisor.restarted):
                detail += "; a TaskManager was down and the supervisor started it again"
            faulted.append((fault, at, t_fault, seen, detail, restarts, round(down_s, 1),
                            timeline(stack, wall + t_fault)))
        producer.stop_when_done.set()
        producer.join(timeout=records / rate + 600)
        if producer.error is not None:
            raise RuntimeError(f"the producer failed: {producer.error}")
        total = producer.count
        try:
            _wait("every id in the exactly-once output", lambda: len(eo.copies) >= total, drain_timeout, 0.5)
            _wait("every id in the at-least-once output", lambda: len(alo.copies) >= total, 60, 0.5)
        except TimeoutError as exc:
            log(str(exc))
        time.sleep(3)  # a last checkpoint's worth: copies that come late still count
        jid = stack.job()["jid"]
        restarts, checkpoints = stack.restarts(jid), _checkpoint_summary(stack.checkpoints(jid))
        inputs = _input_copies(stack.bootstrap, total)
        latency = sorted(eo.first_seen[i] - producer.sent_at[i] for i in range(steady_from, steady_to)
                         if i in eo.first_seen)
        ends = [f[2] for f in faulted[1:]] + [float("inf")]
        results = []
        for (fault, at, t_fault, seen, detail, n_restarts, down_s, events), end in zip(faulted, ends):
            seen_alo = alo.first_after(t_fault, producer.sent_at)
            results.append(FaultResult(
                fault, at, round(seen - t_fault, 2), round(seen_alo - t_fault, 2) if seen_alo else None, down_s,
                n_restarts, sum(1 for t in eo.extra_at if t_fault <= t < end),
                sum(1 for t in alo.extra_at if t_fault <= t < end), detail, events))
        return RunResult(
            records=total, rate=rate, faults=results,
            lost=sum(1 for i in range(total) if i not in eo.copies),
            duplicated=sum(eo.copies.get(i, 0) - inputs.get(i, 0) for i in range(total) if eo.copies.get(i, 0) > inputs.get(i, 0)),
            alo_lost=sum(1 for i in range(total) if i not in alo.copies),
            alo_duplicated=sum(alo.copies.get(i, 0) - inputs.get(i, 0) for i in range(total)
                               if alo.copies.get(i, 0) > inputs.get(i, 0)),
            input_duplicated=sum(n - 1 for n in inputs.values() if n > 1),
            restarts=restarts,
            latency_p50_s=round(latency[len(latency) // 2], 2) if latency else float("nan"),
            latency_p95_s=round(latency[int(len(latency) * 0.95)], 2) if latency else float("nan"),
            checkpoints=checkpoints, seconds=round(time.monotonic() - t0, 1), load=os.getloadavg(),
            settings=dict(flink or {}))
    finally:
        for t in (eo, alo, supervisor):
            if t is not None:
                t.halt.set()
        if producer is not None:
            producer.stop_when_done.set()
            producer.minimum = 0
        stack.down()


_LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")
_EVENTS = (
    ("detected", re.compile(r"switched from state RUNNING to RESTARTING|switched from state RUNNING to FINISHED")),
    ("restarted", re.compile(r"switched from state RESTARTING to RUNNING|switched from state CREATED to RUNNING")),
    ("tasks_running", re.compile(r"switched from INITIALIZING to RUNNING")),
    ("checkpoint", re.compile(r"Completed checkpoint \d+ for job")),
)


def timeline(stack: Stack, since: float) -> dict[str, float]:
    """Seconds from ``since`` (wall clock) to the first of each JobManager event after it: the failure
    noticed (the job RESTARTING), the job RUNNING again, its tasks RUNNING, a checkpoint completed
    (the moment its output is committed). From the JobManager's log."""
    out: dict[str, float] = {}
    for log in sorted((stack.root / ".sqlflow" / "local" / "flink" / "log").glob("*standalonesession*.log")):
        for line in log.read_text(errors="replace").splitlines():
            m = _LOG_TIME.match(line)
            if not m:
                continue
            at = time.mktime(time.strptime(m.group(1)[:19], "%Y-%m-%d %H:%M:%S")) + int(m.group(1)[20:]) / 1000
            if at < since:
                continue
            for name, pattern in _EVENTS:
                if name not in out and pattern.search(line) and (name == "detected" or "detected" in out
                                                                 or name == "restarted"):
                    out[name] = round(at - since, 2)
    return out


def create_topics(bootstrap: str, topics: tuple[str, ...] = (TOPIC_IN, TOPIC_EO, TOPIC_ALO)) -> None:
    """One partition each (the jobs run with parallelism 1)."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(t, 1, 1) for t in topics])
    finally:
        admin.close()


def _input_copies(bootstrap: str, total: int) -> dict[int, int]:
    """How often each id is in the input topic (the producer is idempotent: once, unless it is not)."""
    counts: dict[int, int] = {}
    for m in read_topic(bootstrap, TOPIC_IN, timeout=300):
        counts[m.value["id"]] = counts.get(m.value["id"], 0) + 1
    return counts


def _checkpoint_summary(data: dict[str, Any]) -> dict[str, Any]:
    counts = data.get("counts", {})
    summary = data.get("summary", {})
    duration = summary.get("end_to_end_duration", {})
    size = summary.get("checkpointed_size", summary.get("state_size", {}))
    return {"completed": counts.get("completed"), "failed": counts.get("failed"),
            "duration_ms_avg": duration.get("avg"), "duration_ms_max": duration.get("max"),
            "size_bytes_avg": size.get("avg")}
