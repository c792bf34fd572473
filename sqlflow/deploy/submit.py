"""Submit one planned job to a Flink cluster through PyFlink's own client.

Run as ``python -m sqlflow.deploy.submit SPEC.json`` (one process per job,
since a PyFlink TableEnvironment fixes its configuration when the JVM
starts). The spec is :meth:`sqlflow.deploy.plan.PlannedJob.submit_spec`. With
``execution.target: remote`` the JVM client compiles the SQL, uploads the
Python files and jars to the cluster's blob server and submits the job
graph; the job then runs on without this process. Prints one JSON line:
``{"job_id": ...}`` or ``{"error": ..., "statement": i}``.

Inside a cluster (Flink's PythonDriver, used by the Kubernetes manifests) it
is run as ``-pym sqlflow.deploy.submit --project DIR --job NAME``: it plans
the project there and submits to the cluster it runs in.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

from sqlflow import defaults

_JAVA_NOISE = re.compile(r"^(?:org|java|scala)\.[\w.$]+(?:Exception|Error):\s*")


def short_error(exc: BaseException) -> str:
    """The deepest 'Caused by' message of a Flink/Py4J error, else its first meaningful line."""
    text = str(exc)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    causes = [_JAVA_NOISE.sub("", ln[len("Caused by:"):].strip()) for ln in lines if ln.startswith("Caused by:")]
    causes = [c for c in causes if c and not c.startswith(("java.util.concurrent", "Failed to execute"))]
    if causes:
        return causes[-1][:600]
    for ln in lines:
        if ln.startswith(("at ", "Traceback", "File ", "py4j.", "An error occurred while calling")):
            continue
        return _JAVA_NOISE.sub("", ln)[:600]
    return text[:600]


def flink_config(spec: dict[str, Any]) -> dict[str, str]:
    """The job's Flink configuration: sqlflow's defaults for its mode (sqlflow.defaults), then the
    spec's (the project's flink: settings, the job's SETs, where and how to submit)."""
    return defaults.job_config(spec["config"])


def submit(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the TableEnvironment from ``spec`` and run its statements; the job id."""
    from pyflink.common import Configuration
    from pyflink.table import EnvironmentSettings, TableEnvironment

    # Python UDFs must run in worker processes on the TaskManagers; PyFlink's
    # "loopback" mode would call back into this process, which exits after submitting.
    os.environ["_python_worker_execution_mode"] = "process"
    conf = Configuration()
    settings = flink_config(spec)
    for key, value in settings.items():
        conf.set_string(key, str(value))
    batch = defaults.is_batch(settings)
    builder = EnvironmentSettings.new_instance()
    builder = builder.in_batch_mode() if batch else builder.in_streaming_mode()
    env = TableEnvironment.create(builder.with_configuration(conf).build())
    for i, stmt in enumerate(spec["statements"]):
        if stmt["kind"] == "insert":
            continue
        try:
            env.execute_sql(stmt["sql"])
        except Exception as exc:  # a Flink planner error: report where
            return {"error": short_error(exc), "statement": i}
    inserts = [(i, s) for i, s in enumerate(spec["statements"]) if s["kind"] == "insert"]
    if not inserts:
        return {"error": "the job has no INSERT statement to run", "statement": None}
    stmt_set = env.create_statement_set()
    for i, stmt in inserts:
        try:
            stmt_set.add_insert_sql(stmt["sql"])
        except Exception as exc:
            return {"error": short_error(exc), "statement": i}
    try:
        result = stmt_set.execute()
    except Exception as exc:
        return {"error": short_error(exc), "statement": inserts[0][0] if len(inserts) == 1 else None}
    client = result.get_job_client()
    return {"job_id": str(client.get_job_id()) if client else None}


def _in_cluster(argv: list[str]) -> dict[str, Any]:
    """The spec of one job planned inside the cluster (the Kubernetes runner; --hash is informative)."""
    from pathlib import Path

    from sqlflow.deploy.plan import build_plan
    from sqlflow.deploy.settings import resolve_settings
    from sqlflow.deploy.steps import ship_files

    project = Path(argv[argv.index("--project") + 1])
    name = argv[argv.index("--job") + 1]
    settings = resolve_settings(project, target="kubernetes", rest_url="http://in-cluster")
    plan = build_plan(settings)
    job = plan.job(name)
    return job.submit_spec(settings, remote=False, ship_dir=ship_files(settings, job))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--project" in argv:
        spec = _in_cluster(argv)
    else:
        with open(argv[0], encoding="utf-8") as f:
            spec = json.load(f)
    for path in spec.get("sys_path", []):
        if path not in sys.path:
            sys.path.insert(0, path)
    os.environ.update(spec.get("env", {}))
    out = submit(spec)
    print(json.dumps(out), flush=True)
    return 0 if out.get("job_id") else 1


if __name__ == "__main__":
    sys.exit(main())
