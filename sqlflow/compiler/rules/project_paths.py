"""path-outside-project: UDF code and model files come from inside the project, nowhere else.

A job ships its UDF packages and model files to the cluster (``python.files``);
a path that leaves the project (``../``, an absolute path elsewhere, a symlink
out of it) would copy a file from outside into that folder, or run code the
project does not hold. Reported at the place that names the path: the
``'path'`` of a ``CREATE MODEL``, the ``AS '...'`` of a ``CREATE FUNCTION``,
the ``onnx_udf(model=...)`` declaration, or a link inside ``udfs/`` or
``models/``. A deploy refuses the same paths (:mod:`sqlflow.deploy.ship`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from sqlflow.compiler.analysis import Project, StatementInfo
from sqlflow.compiler.catalog import FunctionDef, ModelDef, with_options
from sqlflow.compiler.rules.base import Rule
from sqlflow.errors import Location, ValidationError
from sqlflow.paths import within

_MODEL_KEYS = ("path", "model-file")


def outside(root: Path, path: str | Path) -> bool:
    """Whether ``path`` (relative to ``root``, or absolute) resolves outside ``root``."""
    p = Path(path)
    return not within(root, p if p.is_absolute() else root / p)


def _shown(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


class PathOutsideProject(Rule):
    id = "path-outside-project"
    description = "model files, UDF modules and what udfs/ and models/ hold lie inside the project"

    def check(self, project: Project) -> Iterable[ValidationError]:
        root = project.config.root
        for s in project.statements:
            if isinstance(s.definition, ModelDef) and s.definition.path and outside(root, s.definition.path):
                yield self.diag(f"model '{s.definition.name}' reads {s.definition.path}, which is outside the "
                                "project", _model_path_location(s),
                                "copy the ONNX file under models/ and give its path relative to the project")
            if isinstance(s.definition, FunctionDef) and s.definition.language.upper() == "PYTHON":
                yield from self._function(project, s, s.definition)
        for spec in project.udfs:
            if spec.model and outside(root, spec.model):
                where = Location(_shown(root, Path(spec.file)) if spec.file else str(project.config.udfs_dir),
                                 spec.line, 1 if spec.line else 0)
                yield self.diag(f"{spec.name}() runs model {spec.model}, which is outside the project", where,
                                "copy the ONNX file under models/ and give its path relative to the project")
        for folder in (project.config.udfs_path, project.config.models_path):
            yield from self._links(root, folder)

    def _function(self, project: Project, s: StatementInfo, d: FunctionDef) -> Iterable[ValidationError]:
        root = project.config.root
        top = (d.target or "").split(".")[0]
        if not top:
            return
        for candidate in (root / top, root / f"{top}.py"):
            if (candidate.exists() or candidate.is_symlink()) and not within(root, candidate):
                literal = s.node.expression if s.node is not None else None
                where = s.locate(literal) if literal is not None else s.location
                yield self.diag(f"function '{d.name}' runs {d.target} from {top}, which links outside the "
                                f"project ({candidate.resolve()})", where,
                                "keep UDF packages inside the project: copy the code in, or install it as a "
                                "package on the cluster's Python")

    def _links(self, root: Path, folder: Path) -> Iterable[ValidationError]:
        if not folder.is_dir():
            return
        for path in sorted(folder.rglob("*")):
            if "__pycache__" in path.parts or not path.is_symlink():
                continue
            if not within(root, path):
                yield self.diag(f"{_shown(root, path)} links to {path.resolve()}, outside the project",
                                Location(_shown(root, path)),
                                "copy the file into the project instead of linking to it: a job ships this "
                                "folder to the cluster")


def _model_path_location(s: StatementInfo) -> Location:
    props = s.node.args.get("properties") if s.node is not None else None
    for key, _, prop in with_options(props):
        if key in _MODEL_KEYS:
            value = prop.args.get("value")
            return s.locate(value if value is not None else prop)
    return s.location
