"""``sqlflow init``: scaffold a new project."""

from __future__ import annotations

from pathlib import Path

import click

from sqlflow.scaffold import scaffold


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default=None, help="Project name (default: the folder's name).")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def command(directory: Path, name: str | None, force: bool) -> None:
    """Create a project in DIRECTORY: sqlflow.yaml, a job, a UDF, a test, .gitignore, README."""
    files = scaffold(directory, name=name, force=force)
    for f in files:
        click.echo(f"created {f}")
    click.echo(f"next: cd {directory} && sqlflow test")
