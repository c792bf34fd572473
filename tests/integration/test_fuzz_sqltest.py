"""The real ``sqlflow test`` on mutated test files: a located error, a failed diff or a pass, never a traceback.

The fast fuzz tier checks reading and preparing test files without Flink (``tests/unit/fuzz``); this runs
the whole command, Flink included, on a few mutants of the fixture project's test files (derandomized, so
the same ones every run): two mutated anywhere, one with an expected value changed (so a job runs and its
diff is compared).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_checks import LEAKS, cli, time_bound
from fuzz_files import data_mutations, text_mutations

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "sqltest" / "project"
FILES = sorted(p.name for p in (PROJECT / "sql").glob("*.test.yaml"))


@st.composite
def mutants(draw: st.DrawFn) -> dict[str, str]:
    """Three test files of the project, by name: two mutated anywhere, user_totals with one expected value
    changed."""
    names = draw(st.lists(st.sampled_from([f for f in FILES if f != "user_totals.test.yaml"]), min_size=2,
                          max_size=2, unique=True))
    out = {}
    for name in names:
        data = yaml.safe_load((PROJECT / "sql" / name).read_text(encoding="utf-8"))
        text = yaml.safe_dump(draw(data_mutations(data)), sort_keys=False, allow_unicode=True)
        out[name] = draw(text_mutations(text, max_ops=1))
    totals = yaml.safe_load((PROJECT / "sql" / "user_totals.test.yaml").read_text(encoding="utf-8"))
    totals["expect"]["user_totals"][0]["total"] += draw(st.integers(1, 1000))
    out["user_totals.test.yaml"] = yaml.safe_dump(totals, sort_keys=False)
    return out


def _drawn() -> dict[str, str]:
    found: list[dict[str, str]] = []

    @settings(derandomize=True, database=None, max_examples=12, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(mutants())
    def draw(case: dict[str, str]) -> None:
        found.append(case)

    draw()
    return found[-1]  # hypothesis draws the simplest cases first (a file emptied): take a later one


def test_sqlflow_test_on_mutated_test_files(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns("__pycache__", ".sqlflow"))
    for old in (project / "sql").glob("*.test.yaml"):
        old.unlink()
    cases = _drawn()
    for name, text in cases.items():
        (project / "sql" / name).write_text(text, encoding="utf-8")
    with time_bound("sqlflow test on three mutants", 420):
        code, out, err = cli(["test", "sql"], project)
    shown = f"exit {code}\n--- stdout:\n{out}\n--- stderr:\n{err}"
    assert code in (0, 1), shown
    assert not any(leak in out + err for leak in LEAKS), shown
    summary = re.fullmatch(r"(\d+) passed, (\d+) failed", out.strip().splitlines()[-1])
    assert summary and int(summary.group(1)) + int(summary.group(2)) == 3, shown
    # the changed expectation reached Flink: its job ran and the diff names the wrong total
    assert "FAIL user_totals (sql/user_totals.test.yaml)" in out, shown
    for block in re.split(r"(?m)^(?=PASS |FAIL )", out):
        if block.startswith("FAIL") and "error[" in block:  # an error, not a diff: it says where
            assert re.search(r"(?m)^\s+\S+:\d+:\d+: error\[[\w-]+\]: ", block), block
