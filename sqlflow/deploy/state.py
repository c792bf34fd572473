"""What sqlflow deployed to a target: per job name, its hash, job id, spec and savepoint.

Flink's REST API shows job names and states but not the plan hash, so the
hash and the submitted spec (for rollback) are kept in
``.sqlflow/<target>/deployments.json``, written atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlflow.config import TargetSettings


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
    path = state_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".deployments.")
    with os.fdopen(fd, "w") as f:
        json.dump(state, f, indent=2, sort_keys=True)
    os.replace(tmp, path)


def record(settings: TargetSettings, name: str, **fields: Any) -> None:
    """Update one job's entry (read, change, write)."""
    state = load_state(settings)
    entry = state.setdefault(name, {})
    entry.update(fields)
    save_state(settings, state)
