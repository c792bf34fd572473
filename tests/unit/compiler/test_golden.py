"""Golden cases: per rule a failing SQL file with its exact rendered diagnostics, and a passing one.

Each ``golden/<rule-id>/bad.sql`` is added to a copy of the good fixture
project as ``sql/zz_case.sql``; what ``sqlflow validate`` prints for that file
must equal ``bad.expected``. ``good.sql`` must give no diagnostic at all.
Set SQLFLOW_UPDATE_GOLDEN=1 to rewrite the expected files (then read them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sqlflow.compiler import RULE_IDS, compile_project
from sqlflow.cli.report import render

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
UPDATE = os.environ.get("SQLFLOW_UPDATE_GOLDEN") == "1"


def validate_case(project: Path, sql: str) -> str:
    """Add ``sql`` to the project as sql/zz_case.sql; the validate output for that file.

    The rest of the project must stay clean: a case may not break other files.
    """
    (project / "sql" / "zz_case.sql").write_text(sql, encoding="utf-8")
    compiled = compile_project(project)
    mine = [d for d in compiled.diagnostics if d.location is not None and d.location.file == "sql/zz_case.sql"]
    others = [d.render() for d in compiled.diagnostics if d not in mine]
    assert others == []
    return render(mine, ["sql/zz_case.sql"]) + "\n"


def test_every_rule_has_golden_cases() -> None:
    assert sorted(CASES) == sorted(RULE_IDS)


@pytest.mark.parametrize("rule", CASES)
def test_bad_case(project: Path, rule: str) -> None:
    got = validate_case(project, (GOLDEN / rule / "bad.sql").read_text())
    expected_file = GOLDEN / rule / "bad.expected"
    if UPDATE:
        expected_file.write_text(got)
    assert f"[{rule}]" in got
    assert got == expected_file.read_text()


@pytest.mark.parametrize("rule", CASES)
def test_good_case(project: Path, rule: str) -> None:
    got = validate_case(project, (GOLDEN / rule / "good.sql").read_text())
    assert got == "0 errors, 0 warnings in 1 file\n"
