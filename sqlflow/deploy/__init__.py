"""Deployment: plan a project's jobs, take the steps that bring a Flink cluster to the plan, steer its jobs.

    >>> from sqlflow.config import resolve_settings   # doctest: +SKIP
    >>> from sqlflow.deploy import build_plan, deploy
    >>> settings = resolve_settings("path/to/project", target="local")
    >>> plan = build_plan(settings)           # frozen: jobs, statements, UDFs, models, jars, hashes
    >>> result = deploy(settings)             # or deploy(settings, dry_run=True)
    >>> result.jobs                           # {"demo.feedback.ctr": "<flink job id>", ...}

Modules: ``plan`` (the plan and its diff against the target), ``steps`` (deploying),
``submit`` (the PyFlink client that submits one job), ``watch``, ``rest``
(Flink's REST API), ``jobs`` (list / stop / cancel / savepoint), ``local``
(the standalone cluster), ``flinkconf`` and ``compose`` (one source of
cluster settings for the local target and docker-compose.yml),
``kubernetes`` (operator manifests), ``state`` (what was deployed).
"""

from __future__ import annotations

from sqlflow.deploy.plan import Changes, JobChange, Plan, PlannedJob, build_plan, diff
from sqlflow.deploy.steps import DeployResult, Step, changes_for, deploy, describe, plan_steps

__all__ = [
    "Changes", "DeployResult", "JobChange", "Plan", "PlannedJob", "Step",
    "build_plan", "changes_for", "deploy", "describe", "diff", "plan_steps",
]
