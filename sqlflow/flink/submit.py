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

from sqlflow import defaults
from sqlflow.compiler.lowering import NativePredict
from sqlflow.flink.env import make_table_env
from sqlflow.flink.java import java_text
from sqlflow.flink.job import RunStatement, StatementFailure, execute


def predict_to_json(p: NativePredict) -> dict[str, Any]:
    """A native model step as the spec carries it."""
    return {"view": p.view, "source": p.source, "features": list(p.features), "options": [list(o) for o in p.options],
            "outputs": [list(o) for o in p.outputs], "model": p.model,
            "reads": list(p.reads) if p.reads is not None else None}


def predict_from_json(data: dict[str, Any]) -> NativePredict:
    """A native model step from the spec."""
    return NativePredict(view=data["view"], source=data["source"], features=tuple(data["features"]),
                         options=tuple(tuple(o) for o in data["options"]),
                         outputs=tuple(tuple(o) for o in data["outputs"]), model=data["model"],
                         reads=tuple(data["reads"]) if data.get("reads") is not None else None)


def flink_config(spec: dict[str, Any]) -> dict[str, str]:
    """The job's Flink configuration: sqlflow's defaults for its mode (sqlflow.defaults), then the
    spec's (the project's flink: settings, the job's SETs, where and how to submit)."""
    return defaults.job_config(spec["config"])


def submit(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the TableEnvironment from ``spec`` and run its statements; the job id or the error."""
    # Python UDFs must run in worker processes on the TaskManagers; PyFlink's
    # "loopback" mode would call back into this process, which exits after submitting.
    os.environ["_python_worker_execution_mode"] = "process"
    config = flink_config(spec)
    batch = defaults.is_batch(config)
    steps = [RunStatement(s["kind"], s["sql"], predict=predict_from_json(s["predict"]) if s.get("predict") else None)
             for s in spec["statements"]]
    if not any(s.kind == "insert" for s in steps):
        return {"error": "the job has no INSERT statement to run", "statement": None}
    try:
        env = make_table_env(streaming=not batch, config=config, jars=(), stream_api=bool(spec.get("stream_api")))
        job_id = execute(env, steps)  # model paths stay relative: found in the shipped folder, or cached
    except StatementFailure as failure:
        return {"error": java_text(failure.cause), "statement": failure.index}
    except Exception as exc:  # noqa: BLE001 - a setting Flink refuses, a native step: said, not a traceback
        return {"error": java_text(exc), "statement": None}
    return {"job_id": job_id}
