"""What the CLI commands share: find the project from the paths given, compile, render."""

from __future__ import annotations

from pathlib import Path

from sqlflow.compiler.compiled import CompiledProject, compile_project
from sqlflow.errors import SqlflowError
from sqlflow.paths import find_project_root


def compile_for_cli(paths: list[Path], planner: bool = False
                    ) -> tuple[CompiledProject, list[SqlflowError], list[str]]:
    """Compile the project holding ``paths``; return the diagnostics for those files only.

    The whole project is always compiled (a file reads tables other files
    define); ``paths`` only narrows what is reported.
    """
    start = (paths[0] if paths else Path.cwd()).resolve()
    root = find_project_root(start if start.is_dir() else start.parent)
    if not (root / "sqlflow.yaml").exists():
        root = find_project_root(Path.cwd())
    compiled = compile_project(root)
    files = _selected(compiled, root, paths)
    diagnostics = [d for d in compiled.diagnostics if d.location is None or d.location.file in files
                   or not d.location.file.endswith(".sql")]
    if planner and compiled.ok:
        from sqlflow.compiler.planner import planner_check

        diagnostics += [d for d in planner_check(compiled) if d.location is None or d.location.file in files]
    return compiled, diagnostics, files


def _selected(compiled: CompiledProject, root: Path, paths: list[Path]) -> list[str]:
    all_files = [j.path for j in compiled.jobs]
    if not paths:
        return all_files
    chosen = []
    for p in paths:
        p = p.resolve()
        for rel in all_files:
            f = (root / rel).resolve()
            if f == p or p in f.parents:
                chosen.append(rel)
    return list(dict.fromkeys(chosen))


def summary(diagnostics: list[SqlflowError], files: list[str]) -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = sum(1 for d in diagnostics if d.severity == "warning")
    n = len(files)
    return (f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''} "
            f"in {n} file{'s' if n != 1 else ''}")


def render(diagnostics: list[SqlflowError], files: list[str]) -> str:
    """Every diagnostic as compiler text, then a summary line."""
    blocks = [d.render() for d in diagnostics]
    return "\n\n".join(blocks + [summary(diagnostics, files)])


def to_json(diagnostics: list[SqlflowError], files: list[str]) -> dict:
    return {
        "diagnostics": [d.to_dict() for d in diagnostics],
        "errors": sum(1 for d in diagnostics if d.severity == "error"),
        "warnings": sum(1 for d in diagnostics if d.severity == "warning"),
        "files": files,
    }
