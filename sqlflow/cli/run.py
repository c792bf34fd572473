"""``sqlflow run``: run job files on the embedded Flink mini-cluster, with its dashboard."""

from __future__ import annotations

from pathlib import Path

import click

from sqlflow.config import load_config
from sqlflow.targets.session import EmbeddedSession, job_files


@click.command("run")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: the one holding sqlflow.yaml).")
@click.option("--batch", is_flag=True, help="Run in batch mode (bounded sources only).")
@click.option("--port", type=int, envvar="SQLFLOW_REST_PORT", default=None, help="Dashboard port.")
@click.option("--keep", is_flag=True, help="Keep the dashboard up after the jobs end (Ctrl-C stops).")
@click.option("--timeout", type=float, default=None, help="Stop waiting after this many seconds.")
@click.option("--no-validate", is_flag=True, help="Skip the compiler's checks (Flink still checks).")
def command(paths: tuple[Path, ...], project: Path | None, batch: bool, port: int | None,
            keep: bool, timeout: float | None, no_validate: bool) -> None:
    """Run SQL job files (default: all of sql/) on an embedded mini-cluster and wait for them.

    The files are checked by the compiler first, as ``sqlflow validate`` does: an error
    stops the run before Flink starts.
    """
    overrides = {"SQLFLOW_REST_PORT": port} if port else None
    config = load_config(project, overrides=overrides)
    files = job_files(config, paths)
    if not no_validate:
        from sqlflow.compiler import compile_project
        from sqlflow.errors import Diagnostics

        # the whole project, so shared definitions resolve; errors of the files run (and of
        # udfs/ and sqlflow.yaml) stop it, other jobs' errors do not
        compiled = compile_project(config.root)
        chosen = {str(Path(f).resolve()) for f in files}
        sql_files = {str((config.root / sf.rel).resolve()): sf.rel for sf in compiled.project.files}
        skipped = {rel for path, rel in sql_files.items() if path not in chosen}
        errors = [e for e in compiled.errors if e.location is None or e.location.file not in skipped]
        if errors:
            raise Diagnostics(errors)
    session = EmbeddedSession.start(config)
    try:
        click.echo(f"Flink dashboard: {session.cluster.url}")
        for f in files:
            job = session.submit(f, streaming=not batch)
            click.echo(f"started {job.name} ({job.job_id or 'no INSERT'})")
        last: dict[str, str] = {}

        def tick(states: dict[str, str]) -> None:
            nonlocal last
            if states != last:
                click.echo("  " + "  ".join(f"{n}: {s}" for n, s in sorted(states.items())), err=True)
                last = dict(states)

        states = session.wait(timeout=timeout, on_tick=tick)
        click.echo("done: " + ", ".join(f"{n} {s}" for n, s in sorted(states.items())))
        if keep:
            click.echo(f"dashboard still at {session.cluster.url}; Ctrl-C to stop")
            import time

            while True:
                time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopping", err=True)
    finally:
        session.close()
