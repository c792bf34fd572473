"""The files shipped with a deployed job: its UDF packages, models, generated modules, requirements.

Only files inside the project travel: a UDF package, a model path or a link in
them that resolves outside the project is refused (``sqlflow validate`` reports
the same as ``error[path-outside-project]`` at the line that names it).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlflow.compiler.lowering import write_modules
from sqlflow.config import TargetSettings
from sqlflow.deploy.plan import PlannedJob
from sqlflow.errors import ConfigError, DeployError
from sqlflow.flink.env import copy_tree_within, inside_project


def ship_files(settings: TargetSettings, job: PlannedJob) -> Path:
    """Copy the job's UDF packages, models and requirements into a folder shipped as python.files."""
    ship = settings.state_dir / "ship" / job.name
    shutil.rmtree(ship, ignore_errors=True)
    ship.mkdir(parents=True)
    root = settings.root
    try:
        for top in sorted({m.split(".")[0] for m in job.udf_modules}):
            src = root / top
            if src.is_dir():
                copy_tree_within(root, inside_project(root, src, "the UDF package"), ship / top)
            elif (root / f"{top}.py").is_file():
                shutil.copy(inside_project(root, root / f"{top}.py", "the UDF module"), ship / f"{top}.py")
        for m in job.models:
            inside_project(root, root / m, "the model file")
            dest = ship / m
            inside_project(ship, dest, "the model's place in the shipped folder")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(root / m, dest)
    except ConfigError as exc:
        raise DeployError(f"{job.name}: {exc.message}", rule=exc.rule, hint=exc.hint) from None
    write_modules(ship, job.modules)
    if job.requirements:
        (ship / "requirements.txt").write_text("\n".join(job.requirements) + "\n")
    return ship
