"""``sqlflow deploy``: take the plan's steps on the target (or print them with --dry-run)."""

from __future__ import annotations

from pathlib import Path

import click

from sqlflow.cli.options import note_warnings, project_option, rest_url_option, target_option
from sqlflow.context import Context


@click.command("deploy")
@target_option
@rest_url_option
@project_option
@click.option("--dry-run", is_flag=True, help="Print the steps without taking them.")
@click.option("--allow-state-reset", is_flag=True,
              help="Start a changed job with empty state when its old state does not fit the new version.")
@click.option("--emit", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="kubernetes target: write the manifests into this folder.")
@click.option("--timeout", type=float, default=120.0, show_default=True,
              help="Seconds to wait for each job to reach RUNNING.")
def command(target: str | None, rest_url: str | None, project: Path | None, dry_run: bool,
            allow_state_reset: bool, emit: Path | None, timeout: float) -> None:
    """Deploy the project's jobs; unchanged jobs are left alone, changed ones upgraded through a savepoint."""
    ctx = Context.load(project, overrides={"SQLFLOW_TARGET": target, "SQLFLOW_REST_URL": rest_url})
    if ctx.target(target, rest_url).kind == "kubernetes":
        if emit is None:
            raise click.UsageError("the kubernetes target writes manifests: give --emit DIR, then kubectl apply -f DIR")
        for path in ctx.emit_manifests(emit, rest_url):
            click.echo(f"wrote {path}")
        return
    result = ctx.deploy(target, rest_url, dry_run=dry_run, allow_state_reset=allow_state_reset, echo=click.echo,
                        timeout=timeout)
    note_warnings(len(result.changes.plan.warnings))
