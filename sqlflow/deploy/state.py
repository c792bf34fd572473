"""What sqlflow deployed to a target: per job name, its hash, job id, spec and savepoint.

Flink's REST API shows job names and states but not the plan hash, so the
hash and the submitted spec (for rollback) are kept in
``.sqlflow/<target>/deployments.json``. The file is never half-written: a new
version goes to a temporary file in the same folder, is flushed to disk, and
replaces the old one in one rename (an interrupted write leaves the old file
and no temporary one). Each change is a read-modify-write under a lock, so a
``sqlflow jobs stop`` and a deploy cannot lose each other's entries. Statements
are stored with their secret ``${NAME}`` references, not their values; known
secret values are scrubbed from every string as a last guard.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

from sqlflow.config import TargetSettings
from sqlflow.scrub import scrub_data


def state_file(settings: TargetSettings) -> Path:
    return settings.state_dir / "deployments.json"


def load_state(settings: TargetSettings) -> dict[str, dict[str, Any]]:
    path = state_file(settings)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def save_state(settings: TargetSettings, state: dict[str, dict[str, Any]]) -> None:
    """Replace the state file with ``state`` atomically (the old file stays if anything fails)."""
    path = state_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    # by value only: a stored statement keeps its text (a rollback runs it again)
    text = json.dumps(scrub_data(state, keys=False), indent=2, sort_keys=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".deployments.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _state_lock(settings: TargetSettings) -> Iterator[None]:
    """Serialise read-modify-write of the state file between processes (waits, unlike the deploy lock)."""
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.state_dir / "state.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def record(settings: TargetSettings, name: str, **fields: Any) -> None:
    """Update one job's entry (read, change, write, under the state lock)."""
    with _state_lock(settings):
        state = load_state(settings)
        entry = state.setdefault(name, {})
        entry.update(fields)
        save_state(settings, state)
