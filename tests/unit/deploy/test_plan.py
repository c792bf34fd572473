from __future__ import annotations

from pathlib import Path

import pytest

from sqlflow.compiler.compiled import job_name
from sqlflow.config import resolve_settings
from sqlflow.deploy.plan import JobChange, build_plan, diff
from sqlflow.deploy.steps import describe, plan_steps
from sqlflow.flink.rest import JobSummary
from sqlflow.errors import DeployError, Diagnostics


def _plan(project: Path, check: bool = True):
    return build_plan(resolve_settings(project, target="local"), check=check)


def test_job_names_from_project_and_path():
    assert job_name("demo", "feedback/ctr.sql") == "demo.feedback.ctr"


def test_plan_has_one_job_per_job_file_with_catalog_ddl(project):
    plan = _plan(project)
    assert plan.names == ("demo.copy", "demo.feedback.counts")
    counts = plan.job("feedback.counts")
    assert [(s.kind, s.location.file.endswith(f), s.location.line) for s, f in
            zip(counts.statements, ["tables.sql", "counts.sql", "counts.sql", "counts.sql"])] == [
        ("ddl", True, 2), ("set", True, 1), ("ddl", True, 2), ("insert", True, 4)]
    assert counts.config == (("table.exec.mini-batch.enabled", "false"),)
    assert (counts.udf_modules, counts.models, counts.jars) == ((), (), ())
    assert [s.sql for s in counts.inserts] == ["INSERT INTO snk\nSELECT k, COUNT(*) FROM src GROUP BY k"]


def test_hash_is_stable_and_follows_content(project):
    first = _plan(project)
    assert _plan(project).job("feedback.counts").hash == first.job("feedback.counts").hash
    f = project / "sql" / "feedback" / "counts.sql"
    f.write_text(f.read_text().replace("COUNT(*)", "COUNT(*) + 0"))
    second = _plan(project)
    assert second.job("feedback.counts").hash != first.job("feedback.counts").hash
    assert second.job("copy").hash == first.job("copy").hash
    # catalog DDL is part of every job that sees it
    (project / "sql" / "tables.sql").write_text("CREATE TABLE src (k INT) WITH ('connector' = 'datagen');\n")
    third = _plan(project)
    assert third.job("copy").hash != first.job("copy").hash


def test_udf_files_and_models_are_shipped_and_hashed(project):
    (project / "udfs").mkdir()
    (project / "udfs" / "__init__.py").write_text("")
    (project / "udfs" / "score.py").write_text("def f(x):\n    return x\n")
    (project / "models").mkdir()
    (project / "models" / "ctr.onnx").write_bytes(b"onnx-1")
    job_file = project / "sql" / "copy.sql"
    job_file.write_text("CREATE TEMPORARY FUNCTION f AS 'udfs.score.f' LANGUAGE PYTHON;\n" + job_file.read_text())
    before = _plan(project, check=False).job("copy")  # the model is not a real ONNX file
    assert (before.udf_modules, before.models) == (("udfs.score",), ("models/ctr.onnx",))
    (project / "models" / "ctr.onnx").write_bytes(b"onnx-2")
    assert _plan(project, check=False).job("copy").hash != before.hash
    (project / "udfs" / "score.py").write_text("def f(x):\n    return x + 1\n")
    assert len({before.hash, _plan(project, check=False).job("copy").hash}) == 2


def test_kafka_tables_bring_the_connector_jar(project):
    (project / "sql" / "tables.sql").write_text(
        "CREATE TABLE src (k INT) WITH ('connector' = 'kafka', 'topic' = 't', "
        "'properties.bootstrap.servers' = 'localhost:9092', 'properties.group.id' = 'g', "
        "'scan.startup.mode' = 'earliest-offset', 'format' = 'json');\n")
    job = _plan(project).job("copy")
    assert [Path(j).name for j in job.jars] == ["flink-sql-connector-kafka-5.0.0-2.2.jar"]


def test_variables_are_substituted(project):
    (project / "sqlflow.yaml").write_text("name: demo\nvars:\n  RATE: '7'\n")
    (project / "sql" / "tables.sql").write_text(
        "CREATE TABLE src (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '${RATE}');\n")
    assert _plan(project).job("copy").statements[0].sql == \
        "CREATE TABLE src (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '7')"


def test_unknown_job_name_suggests(project):
    with pytest.raises(DeployError) as err:
        _plan(project).job("feedback.count")
    assert (err.value.message, err.value.hint) == ("no job named 'feedback.count' in the plan",
                                                   "did you mean 'demo.feedback.counts'?")


def test_submit_spec_targets_the_remote_cluster(project, tmp_path):
    settings = resolve_settings(project, target="remote", rest_url="http://flink.example:8082")
    job = build_plan(settings).job("copy")
    spec = job.submit_spec(settings, savepoint="file:/sp/savepoint-1", ship_dir=tmp_path)
    assert spec["config"] == {
        "pipeline.name": "demo.copy",
        "parallelism.default": "1",
        "python.executable": settings.python_executable,
        "execution.target": "remote",
        "rest.address": "flink.example",
        "rest.port": "8082",
        "python.files": str(tmp_path),
        "execution.state-recovery.path": "file:/sp/savepoint-1",
    }
    assert [s["kind"] for s in spec["statements"]] == ["ddl", "ddl", "insert"]


def _row(jid, name, state="RUNNING"):
    return JobSummary(jid, name, state, 1000, 10)


def test_diff_new_changed_unchanged_removed_resume(project):
    plan = _plan(project)
    copy, counts = plan.job("copy"), plan.job("feedback.counts")
    running = [_row("a1", "demo.copy"), _row("b1", "demo.feedback.counts"), _row("c1", "demo.old"),
               _row("d1", "other.job"), _row("e1", "demo.gone", "FINISHED")]
    state = {"demo.copy": {"hash": copy.hash, "jid": "a1"}, "demo.feedback.counts": {"hash": "0ld", "jid": "b1"}}
    assert diff(plan, running, state).changes == (
        JobChange("demo.copy", "unchanged", copy, "a1", copy.hash),
        JobChange("demo.feedback.counts", "changed", counts, "b1", "0ld"),
        JobChange("demo.old", "removed", None, "c1", None),
    )
    stopped = {"demo.copy": {"hash": copy.hash, "stopped": True, "savepoint": "file:/sp/1"}}
    assert [(c.name, c.action, c.savepoint) for c in diff(plan, [], stopped).changes] == [
        ("demo.copy", "resume", "file:/sp/1"), ("demo.feedback.counts", "new", None)]


def test_describe_lists_changes_and_numbered_steps(project):
    settings = resolve_settings(project, target="local")
    plan = build_plan(settings)
    copy, counts = plan.job("copy"), plan.job("feedback.counts")
    changes = diff(plan, [_row("a1", "demo.copy"), _row("b1", "demo.feedback.counts")],
                   {"demo.copy": {"hash": copy.hash, "jid": "a1"}, "demo.feedback.counts": {"hash": "0ld", "jid": "b1"}})
    steps = plan_steps(changes, settings)
    sp = settings.savepoint_dir
    assert describe(changes, steps, settings).splitlines() == [
        "plan for target local (http://localhost:18999):",
        f"  = demo.copy             unchanged  {copy.hash}",
        f"  ~ demo.feedback.counts  changed    0ld -> {counts.hash}",
        "steps:",
        "  1. start-cluster: start the local Flink cluster at http://localhost:18999 if it is not running",
        f"  2. upgrade: stop demo.feedback.counts (b1) with a savepoint into {sp}, submit {counts.hash} from it; "
        "on failure restart the old version from it; if its state does not fit, keep the old version "
        "(--allow-state-reset starts it empty)",
        "  3. watch: watch the started jobs until every one is RUNNING",
    ]
    unchanged = diff(plan, [_row("a1", "demo.copy"), _row("b1", "demo.feedback.counts")],
                     {"demo.copy": {"hash": copy.hash, "jid": "a1"},
                      "demo.feedback.counts": {"hash": counts.hash, "jid": "b1"}})
    assert describe(unchanged, plan_steps(unchanged, settings), settings).splitlines()[-1] == \
        "nothing to do: the target runs this plan"


def test_a_job_gets_only_the_definitions_it_reads(project):
    tables = project / "sql" / "tables.sql"
    tables.write_text(tables.read_text() + "\nCREATE TABLE unused (x INT) WITH ('connector' = 'datagen');\n")
    assert [s.sql.split("(")[0] for s in _plan(project).job("copy").statements] == [
        "CREATE TABLE src ", "CREATE TABLE out2 ", "INSERT INTO out2 SELECT k FROM src;"[:-1].split("(")[0]]
    # the plan is always built from the compiled project: errors elsewhere do not change what a job reads
    assert len(_plan(project, check=False).job("copy").statements) == 3


def test_compiler_errors_stop_the_plan(project):
    (project / "sql" / "copy.sql").write_text("CREATE TABLE out2 (k INT) WITH ('connector' = 'blackhole');\n"
                                              "INSERT INTO out2 SELECT kk FROM src;\n")
    with pytest.raises(Diagnostics) as err:
        _plan(project)
    (e,) = err.value.errors
    assert (e.rule, Path(e.location.file).name, e.location.line, e.location.column) == (
        "unknown-column", "copy.sql", 2, 25)


def test_stored_jobs_keep_secrets_off_the_disk(project, monkeypatch):
    import json

    from sqlflow.deploy.steps import _job_from_json, _job_to_json

    monkeypatch.setenv("DB_PASSWORD", "hunter22")
    (project / "sql" / "copy.sql").write_text(
        "CREATE TABLE out2 (k INT) WITH ('connector' = 'blackhole', 'x.password' = '${DB_PASSWORD}');\n"
        "INSERT INTO out2 SELECT k FROM src;\n")
    settings = resolve_settings(project, target="local")
    job = build_plan(settings, check=False).job("copy")
    assert "hunter22" in job.statements[1].sql
    stored = json.dumps(_job_to_json(job))
    assert "hunter22" not in stored and "${DB_PASSWORD}" in stored
    back = _job_from_json(json.loads(stored), settings)
    view = lambda j: [(s.kind, s.sql, s.template, s.location.file, s.location.line, s.location.column)  # noqa: E731
                      for s in j.statements]
    assert view(back) == view(job)
    assert (back.name, back.hash, back.config, back.jars) == (job.name, job.hash, job.config, job.jars)


def test_insert_overwrite_needs_batch_mode(project):
    f = project / "sql" / "copy.sql"
    f.write_text("CREATE TABLE out2 (k INT) WITH ('connector' = 'blackhole');\nINSERT OVERWRITE out2 SELECT k FROM src;\n")
    with pytest.raises(DeployError) as err:
        _plan(project, check=False)
    assert (err.value.rule, err.value.location.line, err.value.hint) == (
        "batch-only", 2, "declare the job a batch job: SET 'execution.runtime-mode' = 'batch'; at the top of the file")
    f.write_text("SET 'execution.runtime-mode' = 'batch';\n" + f.read_text())
    assert dict(_plan(project, check=False).job("copy").config)["execution.runtime-mode"] == "batch"


def test_a_job_that_ran_to_completion_is_not_run_again(project):
    plan = _plan(project)
    copy = plan.job("copy")
    state = {"demo.copy": {"hash": copy.hash, "jid": "f1", "finished": True}}
    assert [(c.name, c.action) for c in diff(plan, [_row("f1", "demo.copy", "FINISHED")], state).changes] == [
        ("demo.copy", "unchanged"), ("demo.feedback.counts", "new")]
    state["demo.copy"]["hash"] = "0ld"
    assert [c.action for c in diff(plan, [], state).changes] == ["new", "new"]


def test_fetch_jars_is_a_step_only_for_jars_the_cache_lacks(project, tmp_path):
    from dataclasses import replace

    settings = resolve_settings(project, target="local")
    plan = build_plan(settings)
    cached = tmp_path / "flink-sql-connector-kafka-5.0.0-2.2.jar"
    cached.write_bytes(b"jar")
    missing = tmp_path / "absent" / "flink-sql-connector-jdbc.jar"
    changes = diff(plan, [], {})

    def with_jars(*jars):
        jobs = tuple(replace(c, job=replace(c.job, jars=tuple(map(str, jars)))) for c in changes.changes)
        return [s for s in plan_steps(replace(changes, changes=jobs), settings) if s.name == "fetch-jars"]

    assert with_jars(cached) == []
    [step] = with_jars(cached, missing)
    assert step.text == "fetch pinned jars into the cache: flink-sql-connector-jdbc.jar"


def test_statement_set_inserts_join_the_job(project):
    (project / "sql" / "copy.sql").write_text(
        "CREATE TABLE out2 (k INT) WITH ('connector' = 'blackhole');\n"
        "EXECUTE STATEMENT SET\nBEGIN\nINSERT INTO out2 SELECT k FROM src;\nINSERT INTO out2 SELECT k + 1 FROM src;\nEND;\n")
    job = _plan(project).job("copy")
    assert [(s.kind, s.sql, s.location.line) for s in job.inserts] == [
        ("insert", "INSERT INTO out2 SELECT k FROM src", 2), ("insert", "INSERT INTO out2 SELECT k + 1 FROM src", 2)]


def test_a_statement_a_job_cannot_run_is_a_located_error(project):
    (project / "sql" / "copy.sql").write_text("CREATE TABLE out2 (k INT) WITH ('connector' = 'blackhole');\n"
                                              "EXPLAIN SELECT 1;\nINSERT INTO out2 SELECT k FROM src;\n")
    with pytest.raises(DeployError) as err:
        _plan(project, check=False)
    assert (err.value.rule, err.value.location.line, err.value.location.column) == ("unsupported-statement", 2, 1)
    assert err.value.message == "a job file cannot run a EXPLAIN statement"


def test_python_functions_and_their_models_are_shipped(project):
    (project / "udfs").mkdir()
    (project / "udfs" / "__init__.py").write_text("")
    (project / "udfs" / "scoring.py").write_text("def ctr(x):\n    return x\n")
    job_file = project / "sql" / "copy.sql"
    job_file.write_text("CREATE TEMPORARY FUNCTION ctr AS 'udfs.scoring.ctr' LANGUAGE PYTHON;\n"
                        "CREATE TABLE out2 (k INT) WITH ('connector' = 'blackhole');\n"
                        "INSERT INTO out2 SELECT ctr(k) FROM src;\n")
    job = _plan(project, check=False).job("copy")
    assert (job.udf_modules, job.models) == (("udfs.scoring",), ())


def test_a_native_model_is_cached_with_the_job_under_its_relative_path(project, tmp_path):
    import shutil

    root = Path(__file__).resolve().parents[3]
    (project / "models").mkdir()
    shutil.copy(root / "models" / "ctr.onnx", project / "models" / "ctr.onnx")
    features = ", ".join(f"f{i} FLOAT" for i in range(16))
    (project / "sql" / "copy.sql").write_text(
        f"CREATE TEMPORARY MODEL ctr INPUT ({features}) OUTPUT (probability FLOAT)\n"
        "WITH ('provider' = 'onnx', 'path' = 'models/ctr.onnx');\n"
        f"CREATE TABLE feats ({features}) WITH ('connector' = 'datagen');\n"
        "CREATE TABLE out2 (probability FLOAT) WITH ('connector' = 'blackhole');\n"
        "INSERT INTO out2 SELECT probability FROM ML_PREDICT(TABLE feats, MODEL ctr, DESCRIPTOR("
        + ", ".join(f"f{i}" for i in range(16)) + "));\n")
    settings = resolve_settings(project, target="remote", rest_url="http://flink.example:8081")
    job = build_plan(settings).job("copy")
    assert job.native and job.models == ("models/ctr.onnx",)
    spec = job.submit_spec(settings, ship_dir=tmp_path)
    assert spec["stream_api"] is True
    # Flink's list-of-maps syntax, values quoted (a URI holds ':', which Flink would refuse unquoted)
    assert spec["config"]["pipeline.cached-files"] == (
        f"name:'models/ctr.onnx',path:'{(tmp_path / 'models/ctr.onnx').as_uri()}'")
    [step] = [s for s in spec["statements"] if s["kind"] == "predict"]
    assert (step["predict"]["source"], step["predict"]["options"]) == ("feats", [["path", "models/ctr.onnx"]])
    assert spec["statements"][-1]["sql"].endswith("FROM `__ml_predict_1` AS __ml_predict")
    assert any(j.endswith("sqlflow-onnx-0.1.0.jar") for j in job.jars)
