"""``sqlflow test``: run the declarative tests (``*.test.yaml``) beside the jobs."""

from __future__ import annotations

from pathlib import Path

import click

from sqlflow.context import Context


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: the one holding sqlflow.yaml).")
@click.option("-k", "keyword", default=None, help="Run only the test files whose name contains this text.")
def command(paths: tuple[Path, ...], project: Path | None, keyword: str | None) -> None:
    """Run the tests in PATHS (test files, folders, or job files whose *.test.yaml is beside them;
    default: every *.test.yaml under sql/)."""
    ctx = Context.load(project)
    where = list(paths) or [_shown(ctx.config.sql_path)]
    files = ctx.tests(where, keyword)
    if not files:
        places = ", ".join(str(p) for p in where)
        click.echo(f"no tests found (*.test.yaml) in {places}" + (f" whose name contains {keyword!r}" if keyword
                                                                  else ""))
        click.echo("a test is a <job>.test.yaml beside <job>.sql: see docs/testing.md, or "
                   "sqlflow init DIR for an example")
        return
    passed = failed = 0
    for result in ctx.test(files):
        click.echo(f"{result.report()}  [{result.seconds:.1f}s]" if result.passed else result.report())
        passed += result.passed
        failed += not result.passed
    click.echo(f"{passed} passed, {failed} failed")
    if failed:
        raise SystemExit(1)


def _shown(path: Path) -> Path:
    """``path`` relative to the working folder when it lies under it (as messages show files)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path
