"""The Flink configuration a job with Python UDFs needs.

Flink starts Python workers with ``python.executable`` and compiles the job
with ``python.client.executable``; both must be this interpreter (the one
with onnxruntime and the project's packages). The project root goes on the
worker's Python path so ``udfs.<module>`` imports there too.
"""

from __future__ import annotations

import sys
from pathlib import Path


def python_config(project_root: str | Path, *, arrow_batch_size: int | None = None,
                  bundle_size: int | None = None, bundle_time_ms: int | None = None,
                  execution_mode: str | None = None,
                  metrics: bool | None = None) -> dict[str, str]:
    """Configuration keys for running the project's Python UDFs (tuning keys only if given)."""
    conf = {
        "python.executable": sys.executable,
        "python.client.executable": sys.executable,
        "python.pythonpath": str(Path(project_root).resolve()),
    }
    if arrow_batch_size is not None:
        conf["python.fn-execution.arrow.batch.size"] = str(arrow_batch_size)
    if bundle_size is not None:
        conf["python.fn-execution.bundle.size"] = str(bundle_size)
    if bundle_time_ms is not None:
        conf["python.fn-execution.bundle.time"] = str(bundle_time_ms)
    if execution_mode is not None:
        if execution_mode not in ("process", "thread"):
            raise ValueError(f"execution_mode must be 'process' or 'thread', not {execution_mode!r}")
        conf["python.execution-mode"] = execution_mode
    if metrics is not None:
        conf["python.metric.enabled"] = "true" if metrics else "false"
    return conf


def configure(table_env, project_root: str | Path, **tuning) -> None:
    """Apply :func:`python_config` to a PyFlink TableEnvironment."""
    config = table_env.get_config()
    for key, value in python_config(project_root, **tuning).items():
        config.set(key, value)
