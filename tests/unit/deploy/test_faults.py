"""Deploy and run faults, each a clear error that leaves what ran before running and the record consistent.

A fake Flink REST API (conftest.FakeFlink) stands in where the real cluster
cannot fail on demand: going away between two jobs, during a savepoint, or
refusing a savepoint. The PyFlink client's process is replaced by one that
answers as it does (conftest.fake_submit); everything else is sqlflow's own code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sqlflow.cli.main import run
from sqlflow.config import resolve_settings
from sqlflow.deploy import state as state_module
from sqlflow.deploy.state import load_state, record, save_state, state_file
from sqlflow.deploy.steps import deploy
from sqlflow.errors import DeployError, ServiceError


def _remote(project: Path, fake) -> object:
    return resolve_settings(project, target="remote", rest_url=fake.url)


def _quiet(_: str) -> None:
    pass


def test_a_remote_cluster_that_does_not_answer_stops_the_deploy_before_any_step(project, fake_flink, fake_submit):
    specs = fake_submit(fake_flink)
    settings = _remote(project, fake_flink)
    fake_flink.go_away()
    lines: list[str] = []
    started = time.monotonic()
    with pytest.raises(ServiceError) as err:
        deploy(settings, echo=lines.append, settle=0.1)
    assert time.monotonic() - started < 5
    assert str(err.value) == (f"cannot reach Flink at {fake_flink.url}: ConnectionError (is the cluster running? "
                              "local: sqlflow up; embedded: a sqlflow run --keep or sqlflow demo process; remote: "
                              "check the target's rest_url)")
    assert (lines, specs, load_state(settings)) == ([], [], {})


def test_plan_against_a_remote_cluster_that_does_not_answer_says_so(project, fake_flink, capsys):
    fake_flink.go_away()
    with pytest.raises(SystemExit) as exit_:
        run(["plan", "--project", str(project), "--target", "remote", "--rest-url", fake_flink.url])
        raise SystemExit(0)
    err = capsys.readouterr().err
    assert exit_.value.code == 0
    assert err.splitlines()[0] == (f"note: cannot reach Flink at {fake_flink.url}: ConnectionError: the plan assumes "
                                   "no job runs there")


def test_the_cluster_going_away_between_two_submissions(project, fake_flink, fake_submit):
    fake_submit(fake_flink)
    settings = _remote(project, fake_flink)
    lines: list[str] = []

    def echo(line: str) -> None:
        lines.append(line)
        if line.startswith("[2/"):  # the first job runs and is recorded; now the cluster dies
            fake_flink.go_away()

    with pytest.raises(ServiceError) as err:
        deploy(settings, echo=echo, settle=0.1)
    e = err.value
    assert (e.rule, e.message) == (
        "cluster-lost", f"lost the cluster at {fake_flink.url} while submitting demo.feedback.counts: "
                        "Connection refused")
    first = load_state(settings)["demo.copy"]["jid"]
    assert e.notes == [
        f"done: 1. submit demo.copy (job {first}); failed: 2. submit demo.feedback.counts",
        "not taken: 3. watch",
        f"{state_file(settings)} records what runs; `sqlflow deploy` again takes the steps still needed",
    ]
    # the record holds the job that started, and nothing of the one that did not
    assert sorted(load_state(settings)) == ["demo.copy"]
    assert fake_flink.state_of("demo.copy") == ["RUNNING"]


def _deployed(project, fake, fake_submit):
    """The project deployed to ``fake`` (both jobs running and recorded)."""
    fake_submit(fake)
    settings = _remote(project, fake)
    deploy(settings, echo=_quiet, settle=0.1)
    return settings


def _change_copy(project: Path) -> None:
    (project / "sql" / "copy.sql").write_text("CREATE TABLE out2 (k INT) WITH ('connector' = 'blackhole');\n"
                                              "INSERT INTO out2 SELECT k + 1 FROM src;\n")


def test_the_cluster_going_away_during_an_upgrades_savepoint(project, fake_flink, fake_submit):
    settings = _deployed(project, fake_flink, fake_submit)
    before = load_state(settings)
    _change_copy(project)
    fake_flink.die_when = lambda method, path: method == "GET" and "/savepoints/" in path
    with pytest.raises(ServiceError) as err:
        deploy(settings, echo=_quiet, settle=0.1)
    e = err.value
    target = settings.savepoint_dir.resolve().as_uri()
    assert (e.rule, e.message) == (
        "cluster-lost", f"lost the cluster at {fake_flink.url} while stopping demo.copy with a savepoint into "
                        f"{target}: whether it completed is unknown")
    assert e.hint == ("no finished savepoint of demo.copy is in that folder; when the cluster is back, `sqlflow jobs` "
                      "shows whether it still runs and `sqlflow deploy` takes the remaining steps")
    assert e.notes[0] == "done: nothing; failed: 1. upgrade demo.copy"
    assert load_state(settings) == before  # nothing recorded that did not happen


def test_the_cluster_going_away_after_the_savepoint_names_it_and_the_next_deploy_resumes(
        project, fake_flink, fake_submit):
    from dataclasses import replace

    from sqlflow.deploy.steps import changes_for

    settings = _deployed(project, fake_flink, fake_submit)
    _change_copy(project)
    fake_flink.die_after = lambda method, path: "/savepoints/" in path and method == "GET"
    with pytest.raises(ServiceError) as err:
        deploy(settings, echo=_quiet, settle=0.1)
    sp = load_state(settings)["demo.copy"]["savepoint"]
    assert sp.startswith(settings.savepoint_dir.resolve().as_uri() + "/savepoint-")
    assert (err.value.rule, err.value.message) == (
        "cluster-lost", f"lost the cluster at {fake_flink.url} after demo.copy was stopped with savepoint {sp}: "
                        "the new version did not start")
    assert err.value.hint.startswith(f"the savepoint is recorded in {state_file(settings)}: when the cluster is "
                                     "back, `sqlflow deploy` starts demo.copy from it")
    assert load_state(settings)["demo.copy"]["stopped"] is True
    # a cluster answers again (nothing runs on it): the next deploy resumes the job from that savepoint
    back = type(fake_flink)()
    try:
        changes = changes_for(replace(settings, rest_url=back.url))
    finally:
        back.close()
    assert [(c.name, c.action, c.savepoint) for c in changes.changes] == [
        ("demo.copy", "resume", sp), ("demo.feedback.counts", "new", None)]


def test_a_savepoint_folder_that_cannot_be_written_leaves_the_job_running(project, fake_flink, fake_submit, tmp_path,
                                                                          monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the savepoint folder should be")
    (project / "sqlflow.yaml").write_text("name: demo\ntarget: local\ntargets:\n  local:\n    rest_port: 18999\n"
                                          f"flink:\n  state.savepoints.dir: {blocker.as_uri()}/savepoints\n")
    from dataclasses import replace

    fake_submit(fake_flink)
    monkeypatch.setattr("sqlflow.deploy.steps.start_local_cluster", lambda settings: None)  # the fake runs
    settings = replace(resolve_settings(project, target="local"), rest_url=fake_flink.url)
    deploy(settings, echo=_quiet, settle=0.1)
    _change_copy(project)
    with pytest.raises(DeployError) as err:
        deploy(settings, echo=_quiet, settle=0.1)
    assert (err.value.rule, err.value.message) == (
        "savepoint-dir", f"cannot write savepoints into {blocker}/savepoints: Not a directory; demo.copy keeps "
                         "running and nothing was changed")
    assert err.value.hint == ("make it writable, or set state.savepoints.dir under flink: in sqlflow.yaml to a "
                              "folder the cluster can write")
    assert not any(path.endswith("/stop") for _, path in fake_flink.requests)  # the job was not touched
    assert fake_flink.state_of("demo.copy") == ["RUNNING"]


def test_a_savepoint_flink_refuses_names_the_folder_and_the_job_keeps_running(project, fake_flink, fake_submit):
    settings = _deployed(project, fake_flink, fake_submit)
    before = load_state(settings)
    _change_copy(project)
    fake_flink.savepoint_failure = ("org.apache.flink.runtime.checkpoint.CheckpointException: Failure to finalize "
                                    "checkpoint.\nCaused by: java.nio.file.AccessDeniedException: /savepoints/sp-1")
    with pytest.raises(DeployError) as err:
        deploy(settings, echo=_quiet, settle=0.1)
    target = settings.savepoint_dir.resolve().as_uri()
    assert (err.value.rule, err.value.message) == (
        "savepoint-failed", f"the savepoint of demo.copy into {target} failed: /savepoints/sp-1; demo.copy keeps "
                            "running and nothing was changed")
    assert fake_flink.state_of("demo.copy") == ["RUNNING"]
    assert load_state(settings) == before


def test_an_interrupted_state_write_leaves_the_old_file(project, monkeypatch):
    settings = resolve_settings(project, target="local")
    save_state(settings, {"demo.copy": {"hash": "aaaa", "jid": "j1"}})
    old = state_file(settings).read_text()

    class Interrupted(BaseException):
        pass

    real_fsync = os.fsync

    def crash(fd):  # the new content is half on its way to the disk when the process is stopped
        raise Interrupted()

    monkeypatch.setattr(state_module.os, "fsync", crash)
    with pytest.raises(Interrupted):
        record(settings, "demo.copy", hash="bbbb", jid="j2")
    monkeypatch.setattr(state_module.os, "fsync", real_fsync)
    assert state_file(settings).read_text() == old
    assert json.loads(old) == {"demo.copy": {"hash": "aaaa", "jid": "j1"}}
    assert sorted(p.name for p in settings.state_dir.iterdir()) == ["deployments.json", "state.lock"]


def test_a_second_deploy_to_the_same_target_is_refused(project, fake_flink, fake_submit):
    fake_submit(fake_flink)
    settings = _remote(project, fake_flink)
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(  # another deploy: a process holding the target's deploy lock
        [sys.executable, "-c", "import fcntl, sys, time\nf = open(sys.argv[1], 'a+')\n"
         "fcntl.flock(f, fcntl.LOCK_EX)\nf.seek(0); f.truncate(); f.write('4242'); f.flush()\n"
         "print('locked', flush=True)\ntime.sleep(30)", str(settings.state_dir / "deploy.lock")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(DeployError) as err:
            deploy(settings, echo=_quiet, settle=0.1)
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert (err.value.rule, str(err.value)) == (
        "deploy-running", "another deploy to target remote is running (process 4242) (wait for it to finish; "
                          "nothing was changed)")
    assert (fake_flink.jobs, load_state(settings)) == ({}, {})
    deploy(settings, echo=_quiet, settle=0.1)  # once it is gone, the next deploy runs
    assert sorted(load_state(settings)) == ["demo.copy", "demo.feedback.counts"]


def test_a_submission_that_hangs_times_out_with_a_clear_error(project, fake_flink, monkeypatch):
    from dataclasses import replace

    settings = _remote(project, fake_flink)
    slow = Path(settings.root) / "slow-python"
    slow.write_text("#!/bin/sh\nsleep 30 &\nsleep 30\n")  # a child of its own, as PyFlink's JVM is
    slow.chmod(0o755)
    settings = replace(settings, python_executable=str(slow))
    monkeypatch.setattr("sqlflow.deploy.steps.SUBMIT_TIMEOUT_S", 1)
    started = time.monotonic()
    with pytest.raises(DeployError) as err:
        deploy(settings, echo=_quiet, settle=0.1)
    assert time.monotonic() - started < 10
    assert (err.value.rule, err.value.message) == (
        "submit-timeout", f"demo.copy: submitting the job to {fake_flink.url} did not finish within 1 s; it was "
                          "not started")
    assert (Path(err.value.location.file).name, err.value.location.line) == ("copy.sql", 2)
    assert _running("sleep", "30") == []  # the client and the process it started are gone


def test_flinks_start_scripts_time_out_with_a_clear_error(project, tmp_path, monkeypatch):
    from sqlflow.deploy import local

    home = tmp_path / "flink"
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "jobmanager.sh").write_text("sleep 31 &\nsleep 31\n")
    monkeypatch.setattr(local, "flink_home", lambda: home)
    monkeypatch.setattr(local, "SCRIPT_TIMEOUT_S", 1)
    settings = resolve_settings(project, target="local")
    with pytest.raises(ServiceError) as err:
        local._script("jobmanager.sh", "start", settings)
    assert str(err.value) == (f"bin/jobmanager.sh start did not return within 1 s (see the logs in "
                              f"{settings.state_dir / 'flink' / 'log'}; `sqlflow down` stops what did start)")
    assert _running("sleep", "31") == []  # the script and what it started are gone


def _running(*argv: str) -> list[int]:
    """Processes of this machine whose command line is ``argv``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")[:-1]
        except OSError:
            continue
        if [c.decode(errors="replace") for c in cmd] == list(argv):
            found.append(int(proc.name))
    return found
