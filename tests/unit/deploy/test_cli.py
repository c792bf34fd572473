from __future__ import annotations

import pytest

from sqlflow.cli.main import run
from sqlflow.deploy.plan import build_plan
from sqlflow.config import resolve_settings


def _run(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        run(argv)
        raise SystemExit(0)
    out = capsys.readouterr()
    return exit_.value.code, out.out, out.err


def test_plan_against_an_empty_target_lists_every_job_as_new(project, capsys):
    plan = build_plan(resolve_settings(project, target="local"))
    code, out, err = _run(["plan", "--project", str(project)], capsys)
    # the counting job has an unbounded GROUP BY without a state TTL: a lint warning, not an error
    assert (code, err) == (0, "note: the compiler has 1 warning(s); 'sqlflow validate' shows them\n")
    assert out.splitlines() == [
        "plan for target local (http://localhost:18999):",
        f"  + demo.copy             new        {plan.job('copy').hash}",
        f"  + demo.feedback.counts  new        {plan.job('feedback.counts').hash}",
        "steps:",
        "  1. start-cluster: start the local Flink cluster at http://localhost:18999 if it is not running",
        f"  2. submit: submit demo.copy ({plan.job('copy').hash})",
        f"  3. submit: submit demo.feedback.counts ({plan.job('feedback.counts').hash})",
        "  4. watch: watch the started jobs until every one is RUNNING",
    ]


def test_deploy_dry_run_prints_the_same_steps_and_takes_none(project, capsys):
    _, planned, noted = _run(["plan", "--project", str(project)], capsys)
    code, out, err = _run(["deploy", "--dry-run", "--project", str(project)], capsys)
    assert (code, out, err) == (0, planned, noted)
    assert not (project / ".sqlflow" / "local" / "flink").exists()


def test_remote_target_takes_the_rest_url_from_the_environment(project, capsys, monkeypatch):
    monkeypatch.setenv("SQLFLOW_REST_URL", "http://127.0.0.1:9")
    code, out, _ = _run(["plan", "--project", str(project), "--target", "remote"], capsys)
    assert code == 0
    assert out.splitlines()[0] == "plan for target remote (http://127.0.0.1:9):"
    assert "start-cluster" not in out


def test_embedded_target_is_not_deployed(project, capsys):
    code, out, err = _run(["deploy", "--project", str(project), "--target", "embedded"], capsys)
    assert (code, out) == (1, "")
    assert err == ("error: the embedded target runs jobs inside the sqlflow process "
                   "(use 'sqlflow run' for it, or deploy to --target local / remote)\n")


def test_jobs_on_an_unreachable_cluster_is_one_error_line(project, capsys):
    code, out, err = _run(["jobs", "--project", str(project), "--target", "remote",
                           "--rest-url", "http://127.0.0.1:9"], capsys)
    assert (code, out) == (1, "")
    assert err == ("error: cannot reach Flink at http://127.0.0.1:9: ConnectionError (is the cluster running? "
                   "local: sqlflow up; embedded: a sqlflow run --keep or sqlflow demo process; "
                   "remote: check the target's rest_url)\n")


def test_kubernetes_emit_writes_manifests(project, tmp_path, capsys):
    out_dir = tmp_path / "k8s"
    code, out, _ = _run(["deploy", "--project", str(project), "--target", "kubernetes", "--emit", str(out_dir)],
                        capsys)
    assert code == 0
    assert out.splitlines() == [f"wrote {out_dir / n}" for n in (
        "flinkdeployment.yaml", "sessionjob-demo-copy.yaml", "sessionjob-demo-feedback-counts.yaml")]


def test_kubernetes_without_emit_is_a_usage_error(project, capsys):
    code, _, err = _run(["deploy", "--project", str(project), "--target", "kubernetes"], capsys)
    assert code == 2
    assert "give --emit DIR, then kubectl apply -f DIR" in err


def test_plan_and_dry_run_refuse_the_embedded_target_as_deploy_does(project, capsys):
    refused = ("error: the embedded target runs jobs inside the sqlflow process "
               "(use 'sqlflow run' for it, or deploy to --target local / remote)\n")
    for argv in (["plan"], ["deploy", "--dry-run"], ["deploy"]):
        code, out, err = _run([*argv, "--project", str(project), "--target", "embedded"], capsys)
        assert (code, out, err) == (1, "", refused), argv
