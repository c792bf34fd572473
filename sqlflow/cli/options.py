"""Options several commands share, each read from the environment a deployment sets too."""

from __future__ import annotations

from pathlib import Path

import click

target_option = click.option("--target", "-t", envvar="SQLFLOW_TARGET", default=None,
                             help="Target from sqlflow.yaml: local, remote, kubernetes (env SQLFLOW_TARGET).")
rest_url_option = click.option("--rest-url", envvar="SQLFLOW_REST_URL", default=None,
                               help="REST address of a remote Flink cluster (env SQLFLOW_REST_URL).")
project_option = click.option("--project", "-p", type=click.Path(file_okay=False, path_type=Path), default=None,
                              help="Project folder (default: the nearest folder with sqlflow.yaml).")


def note_warnings(n: int) -> None:
    """One line about the compiler's warnings (the plan goes on; validate lists them)."""
    if n:
        click.echo(f"note: the compiler has {n} warning(s); 'sqlflow validate' shows them", err=True)
