"""Submit one job to a Flink cluster through PyFlink's own client, from its JSON spec.

The spec (:meth:`sqlflow.deploy.plan.PlannedJob.submit_spec`) holds the job's
Flink configuration and its statements. With ``execution.target: remote``
the JVM client compiles the SQL, uploads the Python files and jars to the
cluster's blob server and submits the job graph; the job then runs on
without the submitting process. The answer is ``{"job_id": ...}`` or
``{"error": <Java text>, "statement": i}``; the caller places the error in
the job file (:mod:`sqlflow.flink.java`).
"""

from __future__ import annotations

import os
from typing import Any

from sqlflow.flink.java import java_text
from sqlflow.flink.job import StatementFailure, RunStatement, execute


def submit(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the TableEnvironment from ``spec`` and run its statements; the job id or the error."""
    from pyflink.common import Configuration  # starts the JVM: only in the submitting process
    from pyflink.table import EnvironmentSettings, TableEnvironment

    # Python UDFs must run in worker processes on the TaskManagers; PyFlink's
    # "loopback" mode would call back into this process, which exits after submitting.
    os.environ["_python_worker_execution_mode"] = "process"
    conf = Configuration()
    for key, value in spec["config"].items():
        conf.set_string(key, str(value))
    builder = EnvironmentSettings.new_instance()
    batch = str(spec["config"].get("execution.runtime-mode", "")).lower() == "batch"
    builder = builder.in_batch_mode() if batch else builder.in_streaming_mode()
    env = TableEnvironment.create(builder.with_configuration(conf).build())
    steps = [RunStatement(s["kind"], s["sql"]) for s in spec["statements"]]
    if not any(s.kind == "insert" for s in steps):
        return {"error": "the job has no INSERT statement to run", "statement": None}
    try:
        job_id = execute(env, steps)
    except StatementFailure as failure:
        return {"error": java_text(failure.cause), "statement": failure.index}
    return {"job_id": job_id}
