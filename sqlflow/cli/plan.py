"""``sqlflow plan``: the deployment plan and what it would change on the target."""

from __future__ import annotations

from pathlib import Path

import click

from sqlflow.config import resolve_settings
from sqlflow.deploy.steps import changes_for, describe, plan_steps

target_option = click.option("--target", "-t", envvar="SQLFLOW_TARGET", default=None,
                             help="Target from sqlflow.yaml: local, remote, kubernetes (env SQLFLOW_TARGET).")
rest_url_option = click.option("--rest-url", envvar="SQLFLOW_REST_URL", default=None,
                               help="REST address of a remote Flink cluster (env SQLFLOW_REST_URL).")
project_option = click.option("--project", "-p", type=click.Path(file_okay=False, path_type=Path), default=None,
                              help="Project folder (default: the nearest folder with sqlflow.yaml).")


@click.command("plan")
@target_option
@rest_url_option
@project_option
@click.option("--allow-state-reset", is_flag=True, help="Show the steps as deploy --allow-state-reset would take them.")
def command(target: str | None, rest_url: str | None, project: Path | None, allow_state_reset: bool) -> None:
    """Show the jobs of the project and what deploying would change: new, changed, unchanged, removed."""
    settings = resolve_settings(project, target=target, rest_url=rest_url)
    changes = changes_for(settings)
    click.echo(describe(changes, plan_steps(changes, settings, allow_state_reset), settings))
    note_warnings(len(changes.plan.warnings))


def note_warnings(n: int) -> None:
    """One line about the compiler's warnings (the plan goes on; validate lists them)."""
    if n:
        click.echo(f"note: the compiler has {n} warning(s); 'sqlflow validate' shows them", err=True)
