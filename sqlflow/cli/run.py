"""``sqlflow run``: run job files on the embedded Flink mini-cluster, with its dashboard."""

from __future__ import annotations

import time
from pathlib import Path

import click

from sqlflow.context import Context
from sqlflow.errors import JobError
from sqlflow.flink.session import EmbeddedSession


@click.command("run")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: the one holding sqlflow.yaml).")
@click.option("--batch", is_flag=True, help="Run in batch mode (bounded sources only).")
@click.option("--port", type=int, envvar="SQLFLOW_REST_PORT", default=None, help="Dashboard port.")
@click.option("--keep", is_flag=True, help="Keep the dashboard up after the jobs end (Ctrl-C stops).")
@click.option("--timeout", type=float, default=None,
              help="Stop after this many seconds: running jobs are cancelled, a failing one is an error.")
@click.option("--no-validate", is_flag=True, help="Skip the compiler's checks (Flink still checks).")
def command(paths: tuple[Path, ...], project: Path | None, batch: bool, port: int | None,
            keep: bool, timeout: float | None, no_validate: bool) -> None:
    """Run SQL job files (default: all of sql/) on an embedded mini-cluster and wait for them.

    The files are checked by the compiler first, as ``sqlflow validate`` does: an error
    stops the run before Flink starts.
    """
    ctx = Context.load(project, overrides={"SQLFLOW_REST_PORT": port} if port else None)
    jobs = ctx.job_files(list(paths))
    if not no_validate:
        ctx.check_files(jobs)
    session = EmbeddedSession.start(ctx.config)
    try:
        click.echo(f"Flink dashboard: {session.cluster.url}")
        last: dict[str, str] = {}

        def tick(states: dict[str, str]) -> None:
            nonlocal last
            if states != last:
                click.echo("  " + "  ".join(f"{n}: {s}" for n, s in sorted(states.items())), err=True)
                last = dict(states)

        outcome = ctx.run(session, jobs, batch=batch, timeout=timeout, on_tick=tick,
                          on_started=lambda job: click.echo(f"started {job.name} ({job.job_id or 'no INSERT'})"))
        if outcome.timed_out:
            click.echo(f"timeout after {timeout:g} s: " + ", ".join(
                f"{n} {s} (cancelled)" for n, s in sorted(outcome.states.items())))
            if outcome.causes:
                name, cause = sorted(outcome.causes.items())[0]
                raise JobError(f"job {name} was failing when the timeout came: {cause}")
        else:
            click.echo("done: " + ", ".join(f"{n} {s}" for n, s in sorted(outcome.states.items())))
        if keep:
            click.echo(f"dashboard still at {session.cluster.url}; Ctrl-C to stop")
            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopping", err=True)
    finally:
        session.close()
