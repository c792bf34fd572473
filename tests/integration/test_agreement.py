"""``sqlflow validate`` agrees with Flink's planner on one-fault mutants: a bounded sample of bench_agreement.

One mutant of each kind from the shipped project and from the fixture project
(a few minutes); bench/bench_agreement.py runs the full set and writes its
figures into bench/RESULTS.md.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

_BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_agreement.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_agreement_sample", _BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_every_kind_of_mistake_is_found_where_flink_finds_one() -> None:
    bench = _bench()
    verdicts, _ = bench.run(per_kind=1, seed=7)
    assert sorted({v.mutant.kind for v in verdicts}) == sorted(bench.KINDS)
    # one of each kind a project offers: the shipped project has no CREATE FUNCTION to drop (sqlflow
    # registers its @udf functions, and its models are CREATE MODEL), the fixture project every kind
    offered = {(p, k) for p, root in bench.PROJECTS.items() for k, pool in bench.candidates(p, root).items() if pool}
    assert sorted((v.mutant.project, v.mutant.kind) for v in verdicts) == sorted(offered)
    assert offered == {(p, k) for p in bench.PROJECTS for k in bench.KINDS} - {("shipped", "drop-create-function")}
    assert [(v.mutant.label, v.flink[:1]) for v in verdicts if v.false_clean] == []
    refused = [v for v in verdicts if v.static]
    assert [(v.mutant.label, v.static[0]) for v in refused if not v.first_at_fault] == []
    assert len(refused) >= len(verdicts) // 2


def test_the_unchanged_projects_are_clean_for_both() -> None:
    bench = _bench()
    for root in bench.PROJECTS.values():
        compiled = bench.compile_project(root)
        assert [d.render() for d in compiled.errors] == []
        assert [d.render() for d in bench.planner_check(compiled) if d.severity == "error"] == []
