"""``sqlflow plan``: the deployment plan and what it would change on the target."""

from __future__ import annotations

from pathlib import Path

import click

from sqlflow.cli.options import note_warnings, project_option, rest_url_option, target_option
from sqlflow.context import Context
from sqlflow.deploy.steps import describe


@click.command("plan")
@target_option
@rest_url_option
@project_option
@click.option("--allow-state-reset", is_flag=True, help="Show the steps as deploy --allow-state-reset would take them.")
def command(target: str | None, rest_url: str | None, project: Path | None, allow_state_reset: bool) -> None:
    """Show the jobs of the project and what deploying would change: new, changed, unchanged, removed."""
    ctx = Context.load(project, overrides={"SQLFLOW_TARGET": target, "SQLFLOW_REST_URL": rest_url})
    settings, changes, steps = ctx.plan(target, rest_url, allow_state_reset)
    click.echo(describe(changes, steps, settings))
    if changes.unreachable and settings.kind != "local":
        click.echo(f"note: {changes.unreachable}: the plan assumes no job runs there", err=True)
    note_warnings(len(changes.plan.warnings))
