"""``sqlflow run --timeout``: what became of each job, and an exit code that says whether one failed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sqlflow.cli.main import run

pytestmark = pytest.mark.integration

NUMBERS = """CREATE TABLE numbers (n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '5');
CREATE TABLE shown (n BIGINT) WITH ('connector' = 'blackhole');
"""


def _project(tmp_path: Path, job: str) -> Path:
    root = tmp_path / "proj"
    (root / "sql").mkdir(parents=True)
    (root / "sqlflow.yaml").write_text("name: timeouts\ntargets:\n  embedded: {rest_port: 0}\n")
    (root / "sql" / "job.sql").write_text(NUMBERS + job)
    return root


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        run(argv)
        raise SystemExit(0)
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def test_a_running_job_is_cancelled_at_the_timeout(tmp_path: Path, capsys, monkeypatch) -> None:
    root = _project(tmp_path, "INSERT INTO shown SELECT n FROM numbers;\n")
    monkeypatch.chdir(root)
    code, out, _ = _run(["run", "sql/job.sql", "--timeout", "8"], capsys)
    assert code == 0
    assert out.splitlines()[-1] == "timeout after 8 s: timeouts.job RUNNING (cancelled)"


def test_a_job_failing_over_and_over_is_an_error_with_its_cause(tmp_path: Path, capsys, monkeypatch) -> None:
    root = _project(tmp_path, "SET 'restart-strategy.type' = 'fixed-delay';\n"
                              "SET 'restart-strategy.fixed-delay.attempts' = '1000';\n"
                              "SET 'restart-strategy.fixed-delay.delay' = '500 ms';\n"
                              "INSERT INTO shown SELECT CAST(CAST(n AS STRING) || 'x' AS BIGINT) FROM numbers;\n")
    monkeypatch.chdir(root)
    code, out, err = _run(["run", "sql/job.sql", "--timeout", "120"], capsys)
    assert code == 1  # long before the timeout: a job failing in a loop stops the run
    assert not any(line.startswith("timeout after") for line in out.splitlines())
    lines = err.splitlines()
    assert "  timeouts.job: RESTARTING" in lines  # the states it went through, as they came
    [head] = [line for line in lines if line.startswith("error: ")]
    assert head.startswith("error: job timeouts.job failed: For input string: '")
    assert head.endswith("x'. Invalid character found.")
    assert re.fullmatch(r"  = note: it failed [3-9] times: Flink's restart strategy started it again after each "
                        r"failure, and the run stops here", lines[-1])
