from __future__ import annotations

import pytest

from sqlflow.gen import Dataset, GenConfig, generate
from sqlflow.gen import events as events_mod

#: A small run with every kind of imperfection in large enough numbers to count.
CFG = GenConfig(rows=1200, seed=11, broken_share=0.05, duplicate_share=0.04, late_share=0.03)


@pytest.fixture(scope="session")
def data() -> Dataset:
    return generate(CFG)


@pytest.fixture(scope="session")
def chunked() -> Dataset:
    """A run cut into many chunks (chunk size 97), to exercise the streaming path."""
    mp = pytest.MonkeyPatch()
    mp.setattr(events_mod, "CHUNK_ROWS", 97)
    try:
        return generate(GenConfig(rows=1000, seed=5, broken_share=0.1, duplicate_share=0.05, late_share=0.05))
    finally:
        mp.undo()
