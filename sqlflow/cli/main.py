"""The ``sqlflow`` entry point: the command group and the one error handler.

Everything a command prints (results, progress lines, errors, log records) leaves
through standard output and error, which :func:`run` routes through the one
scrubber (:mod:`sqlflow.scrub`): no secret value reaches the terminal or a log.

Each command is a module under ``sqlflow.cli`` that defines a click command
named ``command`` (or a group); adding a command means adding its module name
to ``COMMANDS``.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import sys
import traceback

import click

from sqlflow import __version__
from sqlflow.errors import Diagnostics, SqlflowError
from sqlflow.scrub import scrub_logging, scrubbed_output

#: Modules under sqlflow.cli, each exporting ``command``.
COMMANDS: tuple[str, ...] = (
    "setup",
    "up",
    "down",
    "run",
    "plan",
    "deploy",
    "jobs",
    "gen",
    "fmt",
    "validate",
    "lineage",
    "test",
    "init",
    "review",
    "demo",
)


class _Group(click.Group):
    """Loads each command module on first use, so ``--help`` stays fast."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name.replace("_", "-") for name in _available())

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        mod = name.replace("-", "_")
        if mod not in _available():
            return None
        module = importlib.import_module(f"sqlflow.cli.{mod}")
        return getattr(module, "command")


def _available() -> list[str]:
    found = []
    for name in COMMANDS:
        if importlib.util.find_spec(f"sqlflow.cli.{name}") is not None:
            found.append(name)
    return found


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sqlflow")
@click.option("--debug", is_flag=True, envvar="SQLFLOW_DEBUG", help="Show tracebacks and debug logs.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """sqlflow: check Flink SQL projects and run them on Flink."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    scrub_logging()


def run(argv: list[str] | None = None) -> None:
    """Run the CLI; known errors become ``error: ...`` and exit code 1. Every line it prints is scrubbed."""
    with scrubbed_output():
        _run(argv)


def _run(argv: list[str] | None) -> None:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:]) or bool(os.environ.get("SQLFLOW_DEBUG"))
    try:
        cli.main(args=argv, prog_name="sqlflow", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Diagnostics as exc:
        click.echo(exc.render(), err=True)
        sys.exit(1)
    except SqlflowError as exc:
        if debug:
            traceback.print_exc()
        plain = "\n".join([f"error: {exc}", *(f"  = note: {n}" for n in exc.notes)])
        click.echo(exc.render() if exc.location else plain, err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # an internal error: short unless --debug
        if debug:
            traceback.print_exc()
        else:
            click.echo(f"internal error: {type(exc).__name__}: {exc}"
                       " (run with --debug for the traceback)", err=True)
        sys.exit(2)
