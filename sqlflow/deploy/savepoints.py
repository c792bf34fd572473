"""Savepoints taken by deploys and ``sqlflow jobs``: where they go, and what a failed one means.

A savepoint that cannot be taken never costs the running job: Flink keeps a
job running when its stop-with-savepoint fails, and sqlflow checks a local
target's savepoint folder before it asks, so the error names the folder and
says the old job still runs. When the cluster goes away while a savepoint is
taken, the error names the folder and the newest savepoint found in it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from sqlflow.config import TargetSettings
from sqlflow.errors import DeployError, ServiceError
from sqlflow.flink.rest import FlinkRest

_HINT_DIR = "make it writable, or set state.savepoints.dir under flink: in sqlflow.yaml to a folder the cluster can write"


def savepoint_target(settings: TargetSettings) -> str:
    """Where savepoints go: ``state.savepoints.dir`` from sqlflow.yaml's flink: settings, else the target's
    state folder (``.sqlflow/<target>/savepoints``)."""
    configured = settings.flink_config.get("state.savepoints.dir")
    return str(configured) if configured else settings.savepoint_dir.resolve().as_uri()


def _local_dir(target: str) -> Path | None:
    url = urlparse(target)
    if url.scheme == "file":
        return Path(url2pathname(url.path))
    if not url.scheme:
        return Path(target)
    return None


def check_writable(settings: TargetSettings, job: str) -> None:
    """For the local target (its JobManager writes this machine's disk): raise before a savepoint is
    asked for when its folder cannot be written, so the job is not touched."""
    if settings.kind != "local":
        return  # a remote cluster writes its own filesystem: Flink's answer says it
    target = savepoint_target(settings)
    folder = _local_dir(target)
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".sqlflow-write-check-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise DeployError(f"cannot write savepoints into {folder}: {exc.strerror or exc}; {job} keeps running and "
                          "nothing was changed", rule="savepoint-dir", hint=_HINT_DIR) from None


def newest_savepoint(settings: TargetSettings, jid: str) -> str | None:
    """The newest savepoint of job ``jid`` in a local savepoint folder (Flink names them
    ``savepoint-<first 6 characters of the job id>-<random>``), if any."""
    folder = _local_dir(savepoint_target(settings))
    if folder is None or not folder.is_dir():
        return None
    found = [p for p in folder.glob(f"savepoint-{jid[:6]}-*") if (p / "_metadata").exists()]
    if not found:
        return None
    return max(found, key=lambda p: p.stat().st_mtime).as_uri()


def take_savepoint(rest: FlinkRest, settings: TargetSettings, name: str, jid: str, stop: bool,
                   timeout: float = 120.0) -> str:
    """A savepoint of job ``jid`` (stopping it, when ``stop``); its location.

    A savepoint Flink refuses is a :class:`DeployError` naming the folder and the job's state (it
    keeps running); losing the cluster meanwhile is a :class:`ServiceError` naming the folder and
    the newest savepoint in it.
    """
    check_writable(settings, name)
    target = savepoint_target(settings)
    try:
        trigger = rest.trigger_savepoint(jid, target, stop)
    except ServiceError as exc:
        raise ServiceError(f"cannot reach Flink at {rest.url} to take a savepoint of {name}: {name} was not "
                           "touched", rule="cluster-lost", hint=exc.hint) from None
    try:
        return rest.await_savepoint(jid, trigger, timeout)
    except ServiceError:
        newest = newest_savepoint(settings, jid)
        raise ServiceError(
            f"lost the cluster at {rest.url} while {'stopping ' + name + ' with' if stop else 'taking'} a savepoint "
            f"into {target}: whether it completed is unknown", rule="cluster-lost",
            hint=(f"the newest savepoint of {name} there is {newest}; " if newest else
                  f"no finished savepoint of {name} is in that folder; ")
            + "when the cluster is back, `sqlflow jobs` shows whether it still runs and `sqlflow deploy` "
              "takes the remaining steps") from None
    except DeployError as exc:
        state = "unknown"
        with contextlib.suppress(ServiceError, DeployError):
            state = rest.job(jid).get("state", "unknown")
        keeps = f"{name} keeps running" if state == "RUNNING" else f"{name} is {state}"
        raise DeployError(f"the savepoint of {name} into {target} failed: {_reason(exc.message)}; {keeps} and "
                          "nothing was changed", rule="savepoint-failed", hint=_HINT_DIR) from None


def _reason(message: str) -> str:
    """Flink's "savepoint of job X failed: cause" without the prefix sqlflow's REST client adds."""
    _, sep, rest = message.partition(" failed: ")
    return rest if sep else message
