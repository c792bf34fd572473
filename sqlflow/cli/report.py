"""How the CLI shows the compiler's diagnostics: compiler text with a summary line, or JSON."""

from __future__ import annotations

from sqlflow.errors import SqlflowError


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
