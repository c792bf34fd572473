"""``sqlflow lineage``: which sources feed which sinks, through which views, UDFs and models."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sqlflow.compiler.lineage import render_text
from sqlflow.context import Context


@click.command("lineage")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def command(paths: tuple[Path, ...], fmt: str) -> None:
    """Show the data flow of PATHS (SQL files or folders; default: the whole project)."""
    flows = Context.find(list(paths)).lineage(list(paths))
    if fmt == "json":
        click.echo(json.dumps([f.to_dict() for f in flows], indent=2))
    else:
        click.echo(render_text(flows))
