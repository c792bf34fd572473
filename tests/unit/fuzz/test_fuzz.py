"""Fuzzing the compiler, bounded: each property of :mod:`fuzz_checks` over a fixed number of cases.

Hypothesis draws the cases derandomized (the same cases on every run, so CI is repeatable) and keeps
no example database; ``bench/bench_fuzz.py`` is the soak, with many thousands of random cases per
property. Every case is bounded in time (``SQLFLOW_FUZZ_BOUND`` seconds a call): a hang is a failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from hypothesis import HealthCheck, given, settings

from fuzz_checks import CASES, Workspace, check_dialect
from fuzz_jobs import clean_scripts
from fuzz_mutations import CORPUS_SQL, mutations
from fuzz_properties import BY_NAME, FOUND, PROPERTIES, Found, Property

FAST = settings(derandomize=True, database=None, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace.create(tmp_path_factory.mktemp("fuzz"))
    yield ws
    ws.close()


@pytest.mark.parametrize("prop", PROPERTIES, ids=lambda p: p.name)
def test_property(prop: Property, workspace: Workspace) -> None:
    before = sum(CASES.values())
    outcomes: list[str] = []

    @settings(FAST, max_examples=prop.fast_examples)
    @given(prop.strategy)
    def run(case: object) -> None:
        outcomes.append(prop.check(workspace, case))

    run()
    # every case drawn was checked (a property that checked nothing could not fail)
    assert len(outcomes) == prop.fast_examples and sum(CASES.values()) > before


def test_the_corpus_is_every_shipped_and_fixture_file() -> None:
    root = Path(__file__).resolve().parents[3]
    expected = sorted(str(p.relative_to(root)) for pattern in ("sql/**/*.sql", "tests/fixtures/**/*.sql")
                      for p in root.glob(pattern))
    assert sorted(CORPUS_SQL) == expected and len(expected) > 50


def test_the_strategies_reach_the_formatter_and_the_rules(workspace: Workspace) -> None:
    """A property that only ever meets syntax errors checks little: count how the cases end."""
    outcomes: dict[str, int] = {}

    @settings(FAST, max_examples=40)
    @given(clean_scripts())
    def run(text: str) -> None:
        how = check_dialect(text)
        outcomes[how] = outcomes.get(how, 0) + 1

    run()
    assert outcomes.get("formatted", 0) >= 20, outcomes


def test_mutations_change_the_text() -> None:
    seen: set[str] = set()
    text = CORPUS_SQL["sql/feedback/feedback.sql"]

    @settings(FAST, max_examples=30)
    @given(mutations(text))
    def run(case: tuple[str, list[str]]) -> None:
        mutated, ops = case
        assert ops
        seen.add(mutated)

    run()
    assert len(seen - {text}) >= 20


@pytest.mark.parametrize("found", FOUND, ids=lambda f: f"{f.property}: {f.symptom[:40]}")
def test_each_input_fuzzing_found_holds_now(found: Found, workspace: Workspace) -> None:
    try:
        BY_NAME[found.property].check(workspace, found.case)
    finally:
        workspace.restore()

