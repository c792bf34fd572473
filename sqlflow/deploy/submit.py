"""The process that submits one planned job: ``python -m sqlflow.deploy.submit -`` (the spec on
standard input, so the job's secret values are never written to a file; ``SPEC.json`` works too).

One process per job, since a PyFlink TableEnvironment fixes its
configuration when the JVM starts (:mod:`sqlflow.flink.submit` does the
work). Prints one JSON line: ``{"job_id": ...}`` or ``{"error": ...,
"statement": i}``.

Inside a cluster (Flink's PythonDriver, used by the Kubernetes manifests) it
is run as ``-pym sqlflow.deploy.submit --project DIR --job NAME``: it plans
the project there and submits to the cluster it runs in.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from sqlflow.config import resolve_settings
from sqlflow.deploy.plan import build_plan
from sqlflow.deploy.ship import ship_files
from sqlflow.flink.submit import submit


def _in_cluster(argv: list[str]) -> dict[str, Any]:
    """The spec of one job planned inside the cluster (the Kubernetes runner; --hash is informative)."""
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
    elif argv[0] == "-":
        spec = json.load(sys.stdin)
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
