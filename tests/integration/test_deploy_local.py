"""Deploy to a real standalone Flink cluster: upgrade through a savepoint, rollback, cancel, dashboard.

One cluster (the ``local`` target, started from the apache-flink package)
serves the whole module; each test uses its own job file and print sink
identifier, and reads what the sink printed from the TaskManager's .out file.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from sqlflow.config import resolve_settings
from sqlflow.deploy.jobs import cancel_job, list_jobs, stop_job
from sqlflow.deploy.local import start_local_cluster, stop_local_cluster
from sqlflow.flink.rest import FlinkRest
from sqlflow.deploy.state import load_state
from sqlflow.deploy.steps import deploy
from sqlflow.errors import DeployError

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "out"

SOURCE = ("CREATE TABLE src_{tag} (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', "
          "'fields.k.min' = '1', 'fields.k.max' = '1');\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def job_sql(tag: str, select: str = "k, COUNT(*) AS c", extra_cols: str = "", where: str = "") -> str:
    """A counting job: a datagen source with one key, a GROUP BY count, a print sink named ``tag``."""
    return (SOURCE.format(tag=tag)
            + f"CREATE TABLE out_{tag} (k INT, c BIGINT{extra_cols}) WITH ('connector' = 'print', "
              f"'print-identifier' = '{tag}');\n\n"
            + f"INSERT INTO out_{tag}\nSELECT {select}\nFROM src_{tag}\n{where}GROUP BY k;\n")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("deploy-project")
    port = _free_port()
    (root / "sqlflow.yaml").write_text(
        "name: itest\ntarget: local\ntargets:\n  local:\n"
        f"    rest_port: {port}\n    slots: 4\n    taskmanager_memory: 1536m\n    jobmanager_memory: 1024m\n")
    (root / "sql").mkdir()
    settings = replace(resolve_settings(root, target="local"), rpc_port=_free_port())
    try:
        info = start_local_cluster(settings)
        yield settings, info
    finally:
        stop_local_cluster(settings)


def write_job(settings, name: str, sql: str) -> Path:
    path = settings.root / "sql" / f"{name}.sql"
    path.write_text(sql)
    return path


def printed(info, tag: str) -> list[str]:
    """The rows the print sink ``tag`` wrote, in order (e.g. '+U[1, 7]')."""
    rows = []
    for f in sorted(info.log_dir.glob("*taskexecutor*.out")):
        for line in f.read_text(errors="replace").splitlines():
            m = re.match(rf"^{re.escape(tag)}(?::\d+)?> (.*)$", line)
            if m:
                rows.append(m.group(1))
    return rows


def counts(info, tag: str) -> list[int]:
    """The successive count values the sink printed (+I/+U rows only)."""
    return [int(re.match(r"\+[IU]\[1, (\d+)", r).group(1)) for r in printed(info, tag) if r[:2] in ("+I", "+U")]


def wait_count(info, tag: str, at_least: int, timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = counts(info, tag)
        if seen and seen[-1] >= at_least:
            return seen
        time.sleep(0.5)
    raise AssertionError(f"sink {tag} printed {counts(info, tag)[-3:]} within {timeout}s")


def only(settings, names):
    """Deploy with only the given job files present (others moved aside)."""
    for f in (settings.root / "sql").glob("*.sql*"):
        stem = f.name.split(".sql")[0]
        want = stem in names
        if want and f.suffix != ".sql":
            f.rename(f.with_name(stem + ".sql"))
        elif not want and f.suffix == ".sql":
            f.rename(f.with_name(stem + ".sql.off"))


def running_job(settings, name):
    rows = [r for r in list_jobs(settings) if r.name == name]
    assert len(rows) == 1, rows
    return rows[0]


def test_upgrade_keeps_state_and_unchanged_is_left_alone(cluster):
    settings, info = cluster
    write_job(settings, "upg", job_sql("upg1"))
    only(settings, {"upg"})
    first = deploy(settings, echo=lambda s: None, settle=2)
    jid1 = first.jobs["itest.upg"]
    before = wait_count(info, "upg1", 10)

    again = deploy(settings, echo=lambda s: None, settle=2)
    assert (again.jobs, [c.action for c in again.changes.changes]) == ({"itest.upg": jid1}, ["unchanged"])

    write_job(settings, "upg", job_sql("upg2", "k, COUNT(*) AS c, 'v2' AS v", ", v STRING"))
    lines: list[str] = []
    second = deploy(settings, echo=lines.append, settle=2)
    jid2 = second.jobs["itest.upg"]
    assert jid2 != jid1
    assert FlinkRest(settings.rest_url).job(jid1)["state"] == "FINISHED"
    last_v1 = counts(info, "upg1")[-1]
    assert last_v1 >= before[-1]
    after = wait_count(info, "upg2", last_v1 + 3)
    # the new query's counts continue exactly where the savepoint left the old one
    assert after[:3] == [last_v1 + 1, last_v1 + 2, last_v1 + 3]
    assert printed(info, "upg2")[0] == f"-U[1, {last_v1}, v2]"
    assert lines[-1] == f"dashboard: {settings.rest_url}"
    assert load_state(settings)["itest.upg"]["jid"] == jid2
    cancel_job(settings, "upg")


def test_failed_start_restores_the_previous_version(cluster):
    settings, info = cluster
    write_job(settings, "rb", job_sql("rb1"))
    only(settings, {"rb"})
    deploy(settings, echo=lambda s: None, settle=2)
    wait_count(info, "rb1", 5)
    old_hash = load_state(settings)["itest.rb"]["hash"]

    # same topology (state fits) but every row fails at run time
    write_job(settings, "rb", job_sql("rb2", "k, CAST(CAST(COUNT(*) AS STRING) || 'x' AS BIGINT) AS c"))
    with pytest.raises(DeployError) as err:
        deploy(settings, echo=lambda s: None, settle=3)
    e = err.value
    assert e.rule == "deploy-failed"
    assert (Path(e.location.file).name, e.location.line) == ("rb.sql", 4)
    assert "the previous version (" + old_hash + ") runs again from savepoint" in e.message
    assert printed(info, "rb2") == []
    last = counts(info, "rb1")[-1]
    row = running_job(settings, "itest.rb")
    assert (row.state, load_state(settings)["itest.rb"]["hash"]) == ("RUNNING", old_hash)
    # the old version resumed from the savepoint: the count goes on from where it stopped
    resumed = wait_count(info, "rb1", last + 2)
    assert resumed[resumed.index(last) + 1:][:2] == [last + 1, last + 2]
    cancel_job(settings, "rb")


def test_incompatible_state_is_refused_unless_reset_is_allowed(cluster):
    settings, info = cluster
    write_job(settings, "inc", job_sql("inc1"))
    only(settings, {"inc"})
    deploy(settings, echo=lambda s: None, settle=2)
    wait_count(info, "inc1", 5)
    old_hash = load_state(settings)["itest.inc"]["hash"]

    write_job(settings, "inc", job_sql("inc2", where="WHERE k > 0\n"))
    with pytest.raises(DeployError) as err:
        deploy(settings, echo=lambda s: None, settle=2)
    assert (err.value.rule, err.value.hint) == (
        "state-incompatible", "redeploy with --allow-state-reset to start the new version with empty state")
    assert running_job(settings, "itest.inc").state == "RUNNING"
    assert load_state(settings)["itest.inc"]["hash"] == old_hash

    result = deploy(settings, echo=lambda s: None, settle=2, allow_state_reset=True)
    assert load_state(settings)["itest.inc"]["hash"] != old_hash
    assert wait_count(info, "inc2", 3)[:3] == [1, 2, 3]  # started empty
    assert running_job(settings, "itest.inc").jid == result.jobs["itest.inc"]
    cancel_job(settings, "inc")


def test_jobs_list_stop_resume_and_cancel(cluster):
    settings, info = cluster
    write_job(settings, "ops", job_sql("ops1"))
    only(settings, {"ops"})
    jid = deploy(settings, echo=lambda s: None, settle=2).jobs["itest.ops"]
    wait_count(info, "ops1", 20)
    row = running_job(settings, "itest.ops")
    deadline = time.monotonic() + 45  # the JobManager fetches task metrics every 10 s
    while not (row.records_in > 0 and row.records_out > 0) and time.monotonic() < deadline:
        time.sleep(1)
        row = running_job(settings, "itest.ops")
    assert (row.jid, row.state, row.dashboard) == (
        jid, "RUNNING", f"{settings.rest_url}/#/job/running/{jid}/overview")
    assert row.records_in > 0 and row.records_out > 0 and row.uptime_s > 0

    location = stop_job(settings, "ops", savepoint=True)
    assert location.startswith("file:" + str(settings.savepoint_dir))
    assert [j.state for j in FlinkRest(settings.rest_url).jobs() if j.jid == jid] == ["FINISHED"]
    last = counts(info, "ops1")[-1]
    resumed = deploy(settings, echo=lambda s: None, settle=2)
    assert [c.action for c in resumed.changes.changes] == ["resume"]
    seen = wait_count(info, "ops1", last + 2)
    assert seen[seen.index(last) + 1:][:2] == [last + 1, last + 2]

    cancel_job(settings, "ops")
    assert list_jobs(settings) == []
    with pytest.raises(DeployError) as err:
        cancel_job(settings, "ops")
    assert err.value.message == f"no running job named 'ops' on {settings.rest_url}"


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="chromium is not installed (make chromium: apt-get install -y chromium)")
def test_dashboard_shows_the_job_graph(cluster):
    settings, info = cluster
    write_job(settings, "dash", job_sql("dash1"))
    only(settings, {"dash"})
    jid = deploy(settings, echo=lambda s: None, settle=2).jobs["itest.dash"]
    url = f"{settings.rest_url}/#/job/running/{jid}/overview"
    OUT.mkdir(exist_ok=True)
    common = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1600,1000",
              "--virtual-time-budget=15000"]
    dom = subprocess.run([*common, "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
    shot = OUT / "dashboard-job-graph.png"
    subprocess.run([*common, f"--screenshot={shot}", url], capture_output=True, timeout=120)
    cancel_job(settings, "dash")
    assert "itest.dash" in dom
    assert "Source: src_dash1" in dom
    assert "GroupAggregate" in dom
    assert "Sink: out_dash1" in dom
    assert shot.stat().st_size > 10_000


def test_python_udf_and_model_are_shipped_with_the_job(cluster):
    import numpy as np
    import onnxruntime as ort

    from sqlflow.udf.testmodels import build_linear

    settings, info = cluster
    root = settings.root
    (root / "models").mkdir(exist_ok=True)
    model = build_linear(root / "models" / "lin.onnx", n_features=2, seed=3)
    (root / "udfs").mkdir(exist_ok=True)
    (root / "udfs" / "__init__.py").write_text("")
    (root / "udfs" / "score.py").write_text(
        "from sqlflow.udf import onnx_udf\n\n"
        "lin = onnx_udf('lin', model='models/lin.onnx', inputs=['FLOAT', 'FLOAT'], result='DOUBLE',"
        " output='probability')\n")
    write_job(settings, "udf", (
        "CREATE TEMPORARY FUNCTION lin AS 'udfs.score.lin' LANGUAGE PYTHON;\n"
        "CREATE TABLE nums (k INT) WITH ('connector' = 'datagen', 'number-of-rows' = '5',"
        " 'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '5');\n"
        "CREATE TABLE scored (k INT, p DOUBLE) WITH ('connector' = 'print', 'print-identifier' = 'udf1');\n"
        "INSERT INTO scored SELECT k, lin(CAST(k AS FLOAT), CAST(k * 2 AS FLOAT)) FROM nums;\n"))
    only(settings, {"udf"})
    result = deploy(settings, echo=lambda s: None, settle=2)
    jid = result.jobs["itest.udf"]
    FlinkRest(settings.rest_url).wait_state(jid, {"FINISHED"}, timeout=120)
    ship = settings.state_dir / "ship" / "itest.udf"
    assert sorted(p.relative_to(ship).as_posix() for p in ship.rglob("*") if p.is_file()) == [
        "models/lin.onnx", "udfs/__init__.py", "udfs/score.py"]
    sess = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    x = np.array([[k, 2 * k] for k in range(1, 6)], dtype=np.float32)
    want = [float(v) for v in sess.run(["probability"], {"features": x})[0][:, 0]]
    rows = sorted(printed(info, "udf1"))
    got = [(int(m.group(1)), float(m.group(2))) for m in (re.match(r"\+I\[(\d+), (.*)\]", r) for r in rows)]
    assert [k for k, _ in got] == [1, 2, 3, 4, 5]
    assert np.allclose([p for _, p in got], want, rtol=0, atol=1e-6)


def test_remote_target_deploys_to_a_running_session_cluster(cluster):
    settings, info = cluster
    write_job(settings, "far", job_sql("far1"))
    only(settings, {"far"})
    remote = resolve_settings(settings.root, target="remote", rest_url=settings.rest_url)
    lines: list[str] = []
    result = deploy(remote, echo=lines.append, settle=2)
    jid = result.jobs["itest.far"]
    assert [ln.split(":")[0] for ln in lines if ln.startswith("[")] == ["[1/2] submit", "[2/2] watch"]
    assert running_job(remote, "itest.far").jid == jid
    assert load_state(remote)["itest.far"]["jid"] == jid
    assert wait_count(info, "far1", 3)[:3] == [1, 2, 3]
    cancel_job(remote, "far")


def test_an_upgrade_that_could_not_be_rolled_back_is_refused(cluster):
    settings, info = cluster
    write_job(settings, "alien", job_sql("alien1"))
    only(settings, {"alien"})
    # deployed through another target's record: this one has no previous version to restore
    other = resolve_settings(settings.root, target="remote", rest_url=settings.rest_url)
    jid = deploy(other, echo=lambda s: None, settle=2).jobs["itest.alien"]
    write_job(settings, "alien", job_sql("alien2", "k, COUNT(*) AS c, 'v2' AS v", ", v STRING"))
    with pytest.raises(DeployError) as err:
        deploy(settings, echo=lambda s: None, settle=2)
    assert (err.value.rule, err.value.hint) == (
        "no-rollback", "stop it with a savepoint first (sqlflow jobs stop itest.alien); "
                       "the next deploy then starts the new version from that savepoint")
    assert running_job(settings, "itest.alien").jid == jid
    cancel_job(settings, "alien")


def test_a_job_that_does_not_fit_the_slots_is_a_clear_error(cluster):
    settings, info = cluster
    write_job(settings, "wide", "SET 'parallelism.default' = '8';\n" + job_sql("wide1"))
    only(settings, {"wide"})
    with pytest.raises(DeployError) as err:
        deploy(settings, echo=lambda s: None, settle=2)
    assert (err.value.rule, err.value.message) == (
        "no-slots", "itest.wide cannot start: it needs more task slots than the cluster has free (4 in all)")
    assert list_jobs(settings) == []  # the waiting job was canceled
    assert FlinkRest(settings.rest_url).overview()["slots-available"] == 4


def test_a_model_missing_on_the_cluster_fails_the_upgrade_and_the_previous_version_runs_on(cluster, monkeypatch):
    import shutil as _shutil

    from sqlflow.deploy import steps as steps_module

    settings, info = cluster
    root = settings.root
    (root / "models").mkdir(exist_ok=True)
    _shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "projects" / "good" / "models" / "ctr.onnx",
                 root / "models" / "ctr_gone.onnx")
    write_job(settings, "mm", job_sql("mm1"))
    only(settings, {"mm"})
    deploy(settings, echo=lambda s: None, settle=2)
    wait_count(info, "mm1", 5)
    old = load_state(settings)["itest.mm"]
    write_job(settings, "mm", SOURCE.format(tag="mm2")
              + "CREATE TABLE out_mm2 (k INT, c BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'mm2');\n"
              + "CREATE MODEL gone\nINPUT (f1 FLOAT, f2 FLOAT, f3 FLOAT, f4 FLOAT)\nOUTPUT (probability FLOAT)\n"
              + "WITH ('provider' = 'onnx', 'path' = 'models/ctr_gone.onnx', 'runtime' = 'python');\n"
              + "CREATE TEMPORARY VIEW feats_mm2 AS SELECT k, CAST(k AS FLOAT) AS f1, CAST(k AS FLOAT) AS f2, "
              + "CAST(k AS FLOAT) AS f3, CAST(k AS FLOAT) AS f4 FROM src_mm2;\n"
              + "INSERT INTO out_mm2\nSELECT k, COUNT(*) AS c\n"
              + "FROM ML_PREDICT(TABLE feats_mm2, MODEL gone, DESCRIPTOR(f1, f2, f3, f4))\n"
              + "WHERE probability >= 0\nGROUP BY k;\n")
    real_ship = steps_module.ship_files

    def ship_without_the_model(settings_, job):  # the folder shipped with the job lacks the model
        folder = real_ship(settings_, job)
        for f in folder.rglob("ctr_gone.onnx"):
            f.unlink()
        return folder

    monkeypatch.setattr(steps_module, "ship_files", ship_without_the_model)
    with pytest.raises(DeployError) as err:
        deploy(settings, echo=lambda s: None, settle=3, allow_state_reset=True)
    e = err.value
    assert e.rule == "deploy-failed"
    assert f"the previous version ({old['hash']}) runs again from savepoint" in e.message
    assert "model 'gone' failed in open(): model file 'models/ctr_gone.onnx' not found" in e.message
    assert (Path(e.location.file).name, e.location.line) == ("mm.sql", 3)  # CREATE MODEL gone
    assert "Caused by" not in e.render()
    assert printed(info, "mm2") == []
    last = counts(info, "mm1")[-1]
    assert (running_job(settings, "itest.mm").state, load_state(settings)["itest.mm"]["hash"]) == (
        "RUNNING", old["hash"])
    resumed = wait_count(info, "mm1", last + 2)  # the old version goes on from its savepoint
    assert resumed[resumed.index(last) + 1:][:2] == [last + 1, last + 2]
    cancel_job(settings, "mm")


def test_a_savepoint_folder_the_cluster_cannot_write_leaves_the_job_running(cluster, monkeypatch, tmp_path):
    from sqlflow.deploy import savepoints

    settings, info = cluster
    write_job(settings, "spd", job_sql("spd1"))
    only(settings, {"spd"})
    jid = deploy(settings, echo=lambda s: None, settle=2).jobs["itest.spd"]
    wait_count(info, "spd1", 3)
    write_job(settings, "spd", job_sql("spd2", "k, COUNT(*) AS c, 'v2' AS v", ", v STRING"))
    # a folder on this machine that cannot be written: refused before the job is touched
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    blocked = replace(settings, flink_config={**settings.flink_config,
                                              "state.savepoints.dir": f"{blocker.as_uri()}/savepoints"})
    with pytest.raises(DeployError) as err:
        deploy(blocked, echo=lambda s: None, settle=2)
    assert (err.value.rule, err.value.message) == (
        "savepoint-dir", f"cannot write savepoints into {blocker}/savepoints: Not a directory; itest.spd keeps "
                         "running and nothing was changed")
    # a folder only the JobManager finds it cannot write (/proc): Flink refuses the savepoint
    monkeypatch.setattr(savepoints, "check_writable", lambda settings, job: None)
    refused = replace(settings, flink_config={**settings.flink_config,
                                              "state.savepoints.dir": "file:///proc/sqlflow-savepoints"})
    with pytest.raises(DeployError) as err:
        deploy(refused, echo=lambda s: None, settle=2)
    assert err.value.rule == "savepoint-failed"
    assert err.value.message.startswith("the savepoint of itest.spd into file:///proc/sqlflow-savepoints failed: ")
    assert err.value.message.endswith("; itest.spd keeps running and nothing was changed")
    last = counts(info, "spd1")[-1]
    assert running_job(settings, "itest.spd").jid == jid
    assert wait_count(info, "spd1", last + 2)[-1] >= last + 2
    assert printed(info, "spd2") == []
    cancel_job(settings, "spd")
