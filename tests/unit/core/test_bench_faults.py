"""bench/RESULTS.md's fault section is written from measured runs only: no "0 lost" unless a run measured it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("bench_faults_script", REPO / "bench" / "bench_faults.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_faults_script"] = bench
_spec.loader.exec_module(bench)


def _fault(name: str, recovery: float, extra_alo: int) -> dict:
    return {"fault": name, "at_id": 1000, "recovery_s": recovery, "recovery_alo_s": 1.0, "down_s": 0.0,
            "restarts": 1, "extra_copies": 0, "extra_copies_alo": extra_alo, "detail": "",
            "timeline": {"detected": 1.2, "restarted": 1.8, "tasks_running": 5.0, "checkpoint": 6.1}}


def _soak(lost: int, duplicated: int) -> dict:
    return {"records": 100_000, "rate": 1000.0, "faults": [_fault("taskmanager", 7.4, 950)], "lost": lost,
            "duplicated": duplicated, "alo_lost": 0, "alo_duplicated": 950, "input_duplicated": 0, "restarts": 0,
            "latency_p50_s": 1.1, "latency_p95_s": 2.0,
            "checkpoints": {"completed": 90, "duration_ms_avg": 120, "size_bytes_avg": 1600},
            "seconds": 300.0, "load": (3.0, 2.5, 2.0), "settings": {}, "cpus": 2, "date": "2026-12-04"}


def test_zero_lost_and_duplicated_is_stated_only_when_measured():
    good = bench.render({"soak": _soak(0, 0)})
    assert "Exactly-once output: 0 lost, 0 duplicated (**0 lost, 0 duplicated**, measured id by id)" in good
    assert "Recovery within the 10 s target: taskmanager (7.4 s); over it: none." in good
    assert "| taskmanager | 1,000 | 7.4 | 1.2 | 1.8 | 5.0 | 6.1 | 1 | 0 | 950 |" in good
    assert "load average 3.0 / 2.5 / 2.0" in good
    bad = bench.render({"soak": _soak(3, 1)})
    assert "Exactly-once output: 3 lost, 1 duplicated." in bad and "measured" not in bad
    assert bench.render({}) == f"{bench.BEGIN}\n## Exactly-once under faults\n\n" + bad.split("\n")[3] + "\n\n" \
        + f"{bench.END}\n"


def test_the_section_replaces_itself_and_leaves_the_rest(tmp_path, monkeypatch):
    md = tmp_path / "RESULTS.md"
    md.write_text("# Benchmark results\n\n## Scoring\n\nkept\n")
    monkeypatch.setattr(bench, "RESULTS_MD", md)
    monkeypatch.setattr(bench, "RESULTS_JSON", tmp_path / "faults.json")
    bench._save("soak", _soak(0, 0))
    bench.write()
    bench.write()
    text = md.read_text()
    assert text.startswith("# Benchmark results\n\n## Scoring\n\nkept\n\n" + bench.BEGIN)
    assert text.count(bench.BEGIN) == 1 and text.endswith(bench.END + "\n")
