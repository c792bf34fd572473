"""Shared fixtures of the compiler tests: a copy of the good fixture project to add SQL to."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "projects"
GOOD = FIXTURES / "good"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the good project; the environment holds none of its variables."""
    for name in ("KAFKA_BOOTSTRAP", "GROUP_ID", "AUDIT_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    root = tmp_path / "project"
    shutil.copytree(GOOD, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root
