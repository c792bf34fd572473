"""``sqlflow validate``: check the project's SQL like a compiler, optionally with Flink's planner."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sqlflow.compiler.report import compile_for_cli, render, to_json


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--planner", is_flag=True, envvar="SQLFLOW_PLANNER",
              help="Also EXPLAIN every statement with Flink's planner (starts a JVM).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(paths: tuple[Path, ...], planner: bool, fmt: str) -> None:
    """Check PATHS (SQL files or folders; default: the whole project) and report every problem."""
    compiled, diagnostics, files = compile_for_cli(list(paths), planner=planner)
    if fmt == "json":
        click.echo(json.dumps(to_json(diagnostics, files), indent=2))
    else:
        click.echo(render(diagnostics, files))
    if any(d.severity == "error" for d in diagnostics):
        raise SystemExit(1)
