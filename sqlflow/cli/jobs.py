"""``sqlflow jobs``: the project's jobs on the target, and stop / cancel / savepoint by name."""

from __future__ import annotations

from pathlib import Path

import click

from sqlflow.cli.options import project_option, rest_url_option, target_option
from sqlflow.config import TargetSettings
from sqlflow.context import Context
from sqlflow.deploy import jobs as jobs_api


def _settings(ctx: click.Context) -> TargetSettings:
    o = ctx.obj.get("jobs", {}) if ctx.obj else {}
    target, rest_url = o.get("target"), o.get("rest_url")
    return Context.load(o.get("project"), overrides={"SQLFLOW_TARGET": target, "SQLFLOW_REST_URL": rest_url}) \
        .jobs(target, rest_url)


@click.group("jobs", invoke_without_command=True)
@target_option
@rest_url_option
@project_option
@click.option("--all", "all_states", is_flag=True, help="Also list finished, canceled and failed jobs.")
@click.pass_context
def command(ctx: click.Context, target: str | None, rest_url: str | None, project: Path | None,
            all_states: bool) -> None:
    """List the project's jobs: state, uptime, records in/out, dashboard link."""
    ctx.ensure_object(dict)
    ctx.obj["jobs"] = {"target": target, "rest_url": rest_url, "project": project}
    if ctx.invoked_subcommand is None:
        click.echo(jobs_api.format_rows(jobs_api.list_jobs(_settings(ctx), all_states)))


@command.command("stop")
@click.argument("name")
@click.option("--savepoint/--no-savepoint", default=True, show_default=True,
              help="Take a savepoint before stopping (a later deploy resumes from it).")
@click.pass_context
def stop(ctx: click.Context, name: str, savepoint: bool) -> None:
    """Stop job NAME, with a savepoint by default."""
    location = jobs_api.stop_job(_settings(ctx), name, savepoint)
    click.echo(f"stopped {name}" + (f"; savepoint {location}" if location else ""))


@command.command("cancel")
@click.argument("name")
@click.pass_context
def cancel(ctx: click.Context, name: str) -> None:
    """Cancel job NAME without a savepoint."""
    jobs_api.cancel_job(_settings(ctx), name)
    click.echo(f"canceled {name}")


@command.command("savepoint")
@click.argument("name")
@click.pass_context
def savepoint(ctx: click.Context, name: str) -> None:
    """Take a savepoint of running job NAME."""
    click.echo(jobs_api.savepoint_job(_settings(ctx), name))
