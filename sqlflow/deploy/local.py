"""The ``local`` target's cluster: a standalone Flink from the apache-flink package.

The JobManager and TaskManagers are started with the distribution's own
``bin/jobmanager.sh`` and ``bin/taskmanager.sh``, with ``FLINK_CONF_DIR``
pointing at a config folder generated under the project's ``.sqlflow/``
state folder; logs and pid files live there too, so stopping only ever
touches this project's processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sqlflow.deploy.flinkconf import cluster_config, gpu_present, write_conf_dir
from sqlflow.flink.rest import FlinkRest
from sqlflow.config import Config, TargetSettings, resolve_settings
from sqlflow.errors import ServiceError
from sqlflow.kafka.broker import pid_running
from sqlflow.paths import flink_home
from sqlflow.process import run_bounded


@dataclass(frozen=True)
class ClusterInfo:
    """A running local cluster: where to reach it and where its files are."""

    rest_url: str
    conf_dir: Path
    log_dir: Path
    taskmanagers: int
    slots: int
    gpu: bool

    @property
    def dashboard_url(self) -> str:
        return self.rest_url


def as_settings(config: TargetSettings | Config | Path | str) -> TargetSettings:
    """The local target's settings from TargetSettings, the project's Config or a project root."""
    if isinstance(config, TargetSettings):
        return config
    if isinstance(config, (str, Path)):
        return resolve_settings(Path(config), target="local")
    return config.target_settings("local")


def _dirs(settings: TargetSettings) -> tuple[Path, Path, Path]:
    base = settings.state_dir / "flink"
    return base / "conf", base / "log", base / "pid"


def _env(settings: TargetSettings) -> dict[str, str]:
    conf_dir, log_dir, pid_dir = _dirs(settings)
    env = dict(os.environ)
    env.update(FLINK_CONF_DIR=str(conf_dir), FLINK_LOG_DIR=str(log_dir), FLINK_PID_DIR=str(pid_dir))
    env.pop("FLINK_HOME", None)
    return env


#: How long one of Flink's start/stop scripts may take (it forks the JVM and returns).
SCRIPT_TIMEOUT_S = 120


def _script(name: str, action: str, settings: TargetSettings) -> None:
    home = flink_home()
    try:
        proc = run_bounded(["bash", str(home / "bin" / name), action], SCRIPT_TIMEOUT_S, env=_env(settings))
    except subprocess.TimeoutExpired:
        _, log_dir, _ = _dirs(settings)
        raise ServiceError(f"bin/{name} {action} did not return within {SCRIPT_TIMEOUT_S} s",
                           hint=f"see the logs in {log_dir}; `sqlflow down` stops what did start") from None
    if proc.returncode != 0:
        raise ServiceError(f"bin/{name} {action} failed: {(proc.stderr or proc.stdout).strip()[-400:]}")


def _pids(settings: TargetSettings) -> list[int]:
    _, _, pid_dir = _dirs(settings)
    pids: list[int] = []
    for f in sorted(pid_dir.glob("*.pid")) if pid_dir.exists() else []:
        for line in f.read_text().split():
            if line.strip().isdigit():
                pids.append(int(line))
    return pids


def _taskmanager_pids(settings: TargetSettings) -> list[int]:
    """The running TaskManager processes of this project's cluster."""
    _, _, pid_dir = _dirs(settings)
    files = sorted(pid_dir.glob("*taskexecutor*.pid")) if pid_dir.exists() else []
    return [int(x) for f in files for x in f.read_text().split() if x.isdigit() and _alive(int(x))]


def _alive(pid: int) -> bool:
    return pid_running(pid)  # a killed daemon may linger as a zombie


def wait_ready(rest: FlinkRest, taskmanagers: int, timeout: float, log_dir: Path | None = None) -> dict:
    """Wait until the REST API answers and ``taskmanagers`` have registered."""
    deadline = time.monotonic() + timeout
    last: dict = {}
    while time.monotonic() < deadline:
        if rest.reachable():
            try:
                last = rest.overview()
            except Exception:  # still starting
                last = {}
            if last.get("taskmanagers", 0) >= taskmanagers:
                return last
        time.sleep(0.5)
    where = f" (logs: {log_dir})" if log_dir else ""
    raise ServiceError(f"Flink at {rest.url} did not become ready within {timeout:.0f}s: "
                       f"{last.get('taskmanagers', 0)}/{taskmanagers} task managers{where}")


def start_local_cluster(config: TargetSettings | Config | Path | str, timeout: float = 90.0) -> ClusterInfo:
    """Start (or find already running) this project's standalone Flink cluster."""
    settings = as_settings(config)
    conf_dir, log_dir, pid_dir = _dirs(settings)
    rest = FlinkRest.for_target(settings)
    gpu = gpu_present()
    running = [p for p in _pids(settings) if _alive(p)]
    if running and rest.reachable():
        for _ in range(settings.taskmanagers - len(_taskmanager_pids(settings))):
            _script("taskmanager.sh", "start", settings)  # one that died (killed, crashed) is started again
        wait_ready(rest, settings.taskmanagers, timeout, log_dir)
        return ClusterInfo(settings.rest_url, conf_dir, log_dir, settings.taskmanagers, settings.slots, gpu)
    if rest.reachable():
        raise ServiceError(f"port {settings.rest_port} already answers as a Flink REST API not started by this project",
                           hint="stop that cluster or set targets.local.rest_port in sqlflow.yaml")
    stop_local_cluster(settings)
    for d in (log_dir, pid_dir):
        d.mkdir(parents=True, exist_ok=True)
    settings.savepoint_dir.mkdir(parents=True, exist_ok=True)
    write_conf_dir(cluster_config(settings, gpu=gpu), conf_dir, flink_home(), gpu)
    _script("jobmanager.sh", "start", settings)
    for _ in range(settings.taskmanagers):
        _script("taskmanager.sh", "start", settings)
    try:
        wait_ready(rest, settings.taskmanagers, timeout, log_dir)
    except ServiceError:
        stop_local_cluster(settings)
        raise
    return ClusterInfo(settings.rest_url, conf_dir, log_dir, settings.taskmanagers, settings.slots, gpu)


def stop_local_cluster(config: TargetSettings | Config | Path | str, timeout: float = 30.0) -> bool:
    """Stop this project's cluster (only the processes in its pid files); whether any ran."""
    settings = as_settings(config)
    pids = [p for p in _pids(settings) if _alive(p)]
    if not pids:
        _clear_pid_files(settings)
        return False
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.2)
    for pid in pids:
        if _alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    _clear_pid_files(settings)
    return True


def _clear_pid_files(settings: TargetSettings) -> None:
    _, _, pid_dir = _dirs(settings)
    for f in pid_dir.glob("*.pid") if pid_dir.exists() else []:
        f.unlink()
