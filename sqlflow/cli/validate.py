"""``sqlflow validate``: check the project's SQL like a compiler, optionally with Flink's planner."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sqlflow.cli.report import render, to_json
from sqlflow.context import Context


@click.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--planner", is_flag=True, envvar="SQLFLOW_PLANNER",
              help="Also EXPLAIN every statement with Flink's planner (starts a JVM).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(paths: tuple[Path, ...], planner: bool, fmt: str) -> None:
    """Check PATHS (SQL files or folders; default: the whole project) and report every problem."""
    result = Context.find(list(paths)).validate(list(paths), planner=planner)
    if fmt == "json":
        click.echo(json.dumps(to_json(result.diagnostics, result.files), indent=2))
    else:
        click.echo(render(result.diagnostics, result.files))
    if result.errors:
        raise SystemExit(1)
