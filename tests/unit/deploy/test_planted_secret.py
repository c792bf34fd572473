"""A planted secret never leaves sqlflow: every line it prints and every file it writes is grepped for it.

Two secrets are planted: ``SINK_SECRET`` in the environment (a name that looks
secret) and ``PROXY_PATH`` in a secrets file outside the project (a name that
does not: it is secret because it comes from that file). They reach the
outputs the way real ones do: a connector option Flink or the compiler quotes
back, the remote target's REST address (a proxy's path token) that plan,
deploy and ``sqlflow jobs`` print, a job failure whose Java message quotes an
option value, and the HTTP client's debug log. With scrubbing switched off the
same run shows them, so the test can fail.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from sqlflow import scrub
from sqlflow.cli.main import run

ENV_SECRET = "planted-env-s3cr3t-5678"
FILE_SECRET = "planted-file-t0ken-1234"

LEAKY = """CREATE TABLE leaky (k INT) WITH (
  'connector' = 'filesystem',
  'path' = '/tmp/leaky',
  'format' = '${SINK_SECRET}'
);
INSERT INTO leaky SELECT k FROM src;
"""

COPY = """CREATE TABLE out2 (k INT) WITH ('connector' = 'print', 'print-identifier' = '${SINK_SECRET}');
INSERT INTO out2 SELECT k FROM src;
"""


def _cli(argv: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_:
        run(argv)
        raise SystemExit(0)
    out = capsys.readouterr()
    return exit_.value.code, out.out + out.err


def _outputs(project: Path, outside: Path, fake, fake_submit, capsys, caplog, monkeypatch) -> dict[str, str]:
    """Run every command that prints or writes something about the project; what each showed or wrote."""
    secrets = outside / "vault" / "prod.yaml"  # outside the project
    secrets.parent.mkdir()
    secrets.write_text(f"PROXY_PATH: {FILE_SECRET}\n")
    monkeypatch.setenv("SQLFLOW_SECRETS_FILE", str(secrets))
    monkeypatch.setenv("SINK_SECRET", ENV_SECRET)
    fake.prefix = "/" + FILE_SECRET
    (project / "sqlflow.yaml").write_text(
        "name: demo\ntarget: remote\ntargets:\n  remote:\n    rest_url: http://127.0.0.1:" + str(fake.port)
        + "/${PROXY_PATH}\n")
    (project / "sql" / "copy.sql").write_text(COPY)
    (project / "sql" / "leaky.sql").write_text(LEAKY)
    fake_submit(fake)
    fake.exception_for["demo.feedback.counts"] = (
        "org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy\n"
        "Caused by: org.apache.flink.table.api.ValidationException: Unsupported value '" + ENV_SECRET
        + "' for 'print-identifier'")
    caplog.set_level(logging.DEBUG)
    p = ["--project", str(project)]
    shown: dict[str, str] = {}
    monkeypatch.chdir(project)
    shown["validate"] = _cli(["validate"], capsys)[1]
    shown["validate --format json"] = _cli(["validate", "--format", "json"], capsys)[1]
    shown["run (compiler errors)"] = _cli(["run", "sql/leaky.sql"], capsys)[1]
    (project / "sql" / "leaky.sql").unlink()
    shown["plan"] = _cli(["plan", *p], capsys)[1]
    shown["deploy (progress, a failing job)"] = _cli(["--debug", "deploy", *p, "--timeout", "30"], capsys)[1]
    shown["jobs"] = _cli(["jobs", *p], capsys)[1]
    shown["deploy --emit (kubernetes)"] = _cli(["deploy", *p, "--target", "kubernetes", "--emit",
                                                str(outside / "k8s")], capsys)[1]
    shown["logs"] = caplog.text
    for f in sorted([*project.rglob("*"), *(outside / "k8s").rglob("*")]):  # every file, written or not
        if f.is_file() and "__pycache__" not in f.parts:
            shown[f"file {f}"] = f.read_text(errors="replace")
    return shown


@pytest.fixture
def planted(project, tmp_path_factory, fake_flink, fake_submit, capsys, caplog, monkeypatch):
    return lambda: _outputs(project, tmp_path_factory.mktemp("outside"), fake_flink, fake_submit, capsys, caplog,
                            monkeypatch)


def test_no_output_holds_a_planted_secret(planted):
    shown = planted()
    # each kind of output was really produced, and carried the place where the secret would be
    assert "unknown format '*****'" in shown["validate"]
    assert '"message": "unknown format \'*****\'"' in shown["validate --format json"]
    assert "unknown format '*****'" in shown["run (compiler errors)"]
    assert "plan for target remote (http://127.0.0.1:" in shown["plan"] and "/*****):" in shown["plan"]
    assert "demo.feedback.counts failed to start: Unsupported value '*****' for 'print-identifier'" in \
        shown["deploy (progress, a failing job)"]
    assert "/*****/#/job/running/" in shown["jobs"]
    assert "/*****/jobs/overview" in shown["logs"]
    assert any(k.endswith("deployments.json") for k in shown)
    assert any(k.endswith("flinkdeployment.yaml") for k in shown)
    leaks = {where: text for where, text in shown.items() if ENV_SECRET in text or FILE_SECRET in text}
    assert leaks == {}


def test_without_the_scrubber_the_same_outputs_show_the_secrets(planted, monkeypatch):
    monkeypatch.setattr(scrub, "ACTIVE", False)
    shown = planted()
    has = {where for where, text in shown.items() if ENV_SECRET in text or FILE_SECRET in text}
    assert {"validate", "validate --format json", "run (compiler errors)", "plan",
            "deploy (progress, a failing job)", "jobs", "logs"} <= has
    # the deployment record holds the statements with ${SINK_SECRET}, not its value, even so
    state = next(text for where, text in shown.items() if where.endswith("deployments.json"))
    assert ENV_SECRET not in state and "${SINK_SECRET}" in state


def test_fmt_never_writes_a_secret_into_the_sql(project, monkeypatch, capsys):
    monkeypatch.setenv("SINK_SECRET", ENV_SECRET)
    job = project / "sql" / "copy.sql"
    job.write_text(COPY.replace("INSERT INTO out2 SELECT k FROM src;", "insert into out2 select k from src;"))
    _cli(["fmt", str(job)], capsys)
    assert "${SINK_SECRET}" in job.read_text() and ENV_SECRET not in job.read_text()
    shutil.rmtree(project / ".sqlflow", ignore_errors=True)


def test_a_library_callers_deploy_lines_are_scrubbed_too(project, fake_flink, fake_submit, monkeypatch):
    from sqlflow.config import resolve_settings
    from sqlflow.deploy.steps import deploy

    monkeypatch.setenv("PROXY_TOKEN", FILE_SECRET)  # a name that looks secret
    fake_flink.prefix = "/" + FILE_SECRET
    (project / "sqlflow.yaml").write_text(
        "name: demo\ntargets:\n  remote:\n    rest_url: http://127.0.0.1:" + str(fake_flink.port) + "/${PROXY_TOKEN}\n")
    fake_submit(fake_flink)
    lines: list[str] = []
    deploy(resolve_settings(project, target="remote"), echo=lines.append, settle=0.1)  # no CLI streams here
    assert lines[-1] == f"dashboard: http://127.0.0.1:{fake_flink.port}/*****"
    assert [line for line in lines if FILE_SECRET in line] == []
