"""Where things are: the Flink distribution, the jar cache, a project's state folder."""

from __future__ import annotations

import os
from pathlib import Path

#: The source checkout this package was installed from (editable installs), if any.
SOURCE_ROOT = Path(__file__).resolve().parent.parent


def flink_home() -> Path:
    """The Flink distribution shipped inside the apache-flink package (bin/, conf/, lib/, plugins/)."""
    import pyflink

    return Path(pyflink.__file__).resolve().parent


def cache_dir() -> Path:
    """The folder for downloaded jars: $SQLFLOW_CACHE, else .cache in the source checkout, else ~/.cache/sqlflow."""
    env = os.environ.get("SQLFLOW_CACHE")
    if env:
        path = Path(env)
    elif (SOURCE_ROOT / "pyproject.toml").exists():
        path = SOURCE_ROOT / ".cache"
    else:
        path = Path.home() / ".cache" / "sqlflow"
    path.mkdir(parents=True, exist_ok=True)
    return path


def state_dir(project_root: Path) -> Path:
    """A project's runtime state (broker data, cluster logs, savepoints), git-ignored."""
    path = project_root / ".sqlflow"
    path.mkdir(parents=True, exist_ok=True)
    return path


def within(root: Path, path: Path) -> bool:
    """Whether ``path`` lies inside ``root`` once symlinks and ``..`` are resolved (``root`` itself counts)."""
    real, base = Path(path).resolve(), Path(root).resolve()
    return real == base or base in real.parents


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding sqlflow.yaml (else ``start``)."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "sqlflow.yaml").exists():
            return folder
    return start
