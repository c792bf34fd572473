"""``sqlflow run`` checks the job files like ``validate`` before it starts Flink."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sqlflow.cli.main import run

GOOD = Path(__file__).resolve().parents[2] / "fixtures" / "projects" / "good"


def test_run_stops_at_a_located_error_before_flink_starts(tmp_path: Path, monkeypatch, capsys) -> None:
    root = tmp_path / "project"
    shutil.copytree(GOOD, root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "sql" / "zz_bad.sql").write_text("SELECT ad_idd FROM impressions;\n")

    def no_flink(*args, **kwargs):
        raise AssertionError("Flink was started")

    monkeypatch.setattr("sqlflow.cli.run.EmbeddedSession.start", no_flink)
    monkeypatch.chdir(root)
    with pytest.raises(SystemExit) as exit_:
        run(["run", "sql/zz_bad.sql"])
    err = capsys.readouterr().err
    assert exit_.value.code == 1
    assert "sql/zz_bad.sql:1:8: error[unknown-column]: unknown column 'ad_idd'" in err
    assert "did you mean 'ad_id'?" in err


def test_another_jobs_error_does_not_stop_the_run(tmp_path: Path, monkeypatch, capsys) -> None:
    root = tmp_path / "project"
    shutil.copytree(GOOD, root, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "sql" / "zz_bad.sql").write_text("SELECT ad_idd FROM impressions;\n")
    (root / "sql" / "zz_good.sql").write_text("SELECT ad_id FROM impressions;\n")

    def flink(*args, **kwargs):
        raise SystemExit(42)  # Flink would start here

    monkeypatch.setattr("sqlflow.cli.run.EmbeddedSession.start", flink)
    monkeypatch.chdir(root)
    with pytest.raises(SystemExit) as exit_:  # past the checks: the job reads the shared definitions
        run(["run", "sql/zz_good.sql"])
    assert exit_.value.code == 42, capsys.readouterr().err
