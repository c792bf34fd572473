"""``sqlflow fmt [--check] [PATH...]``: format SQL files in the house style."""

from __future__ import annotations

from pathlib import Path

import click

from sqlflow.dialect import format_sql
from sqlflow.errors import Diagnostics, ParseError, SqlflowError
from sqlflow.paths import find_project_root


def sql_files(paths: tuple[str, ...]) -> list[Path]:
    """The ``.sql`` files named by ``paths`` (folders are searched recursively), sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(path.rglob("*.sql")))
        elif path.exists():
            found.append(path)
        else:
            raise SqlflowError(f"no such file or folder: {raw}", rule="usage")
    return found


def format_files(paths: list[Path], check: bool) -> list[Path]:
    """Format each file (in place unless ``check``); return those that changed or would change."""
    changed: list[Path] = []
    errors: list[SqlflowError] = []
    for path in paths:
        # lines as the compiler counts them: text mode would also break lines at a lone \r, so fmt and
        # validate pointed at different lines (and a \r inside a quoted name became a line break)
        text = path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n")
        try:
            formatted = format_sql(text, str(path))
        except Diagnostics as exc:
            errors.extend(exc.errors)
            continue
        except ParseError as exc:
            errors.append(exc)
            continue
        if formatted != text:
            changed.append(path)
            if not check:
                path.write_text(formatted, encoding="utf-8")
    if errors:
        raise errors[0] if len(errors) == 1 else Diagnostics(errors)
    return changed


def _shown(path: Path) -> Path:
    """``path`` relative to the working folder when it lies inside it (how users typed it)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


@click.command("fmt")
@click.option("--check", is_flag=True, help="Only list files that would change; exit 1 if any.")
@click.argument("paths", nargs=-1, type=click.Path())
def command(check: bool, paths: tuple[str, ...]) -> None:
    """Format Flink SQL files (default: sql/ of the project holding sqlflow.yaml, else of this folder)."""
    files = sql_files(paths or (str(_shown(find_project_root() / "sql")),))
    changed = format_files(files, check)
    for path in changed:
        click.echo(f"{'would reformat' if check else 'reformatted'} {_shown(path)}")
    if check and changed:
        raise SystemExit(1)
    if not changed:
        click.echo(f"{len(files)} file(s) already formatted")
