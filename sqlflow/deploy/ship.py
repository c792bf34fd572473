"""The files shipped with a deployed job: its UDF packages, models, generated modules, requirements."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlflow.compiler.lowering import write_modules
from sqlflow.config import TargetSettings
from sqlflow.deploy.plan import PlannedJob


def ship_files(settings: TargetSettings, job: PlannedJob) -> Path:
    """Copy the job's UDF packages, models and requirements into a folder shipped as python.files."""
    ship = settings.state_dir / "ship" / job.name
    shutil.rmtree(ship, ignore_errors=True)
    ship.mkdir(parents=True)
    root = settings.root
    for top in sorted({m.split(".")[0] for m in job.udf_modules}):
        src = root / top
        if src.is_dir():
            shutil.copytree(src, ship / top, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif (root / f"{top}.py").is_file():
            shutil.copy(root / f"{top}.py", ship / f"{top}.py")
    for m in job.models:
        (ship / m).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / m, ship / m)
    write_modules(ship, job.modules)
    if job.requirements:
        (ship / "requirements.txt").write_text("\n".join(job.requirements) + "\n")
    return ship
