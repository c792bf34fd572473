"""``sqlflow init``: a new project with one job, one UDF, one test, settings and a README.

The job reads a source with a watermark, calls a Python UDF and writes one-minute
tumbling windows to a sink; its test passes as created, so ``sqlflow test`` is
green from the first minute.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlflow.errors import ConfigError
from sqlflow.scaffold.files import FILES

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def scaffold(dest: Path, name: str | None = None, force: bool = False) -> list[Path]:
    """Write a new project into ``dest`` (created if missing); returns the files written.

    An existing file is never overwritten unless ``force``.
    """
    dest = Path(dest)
    name = name or dest.resolve().name
    if not _NAME.match(name):
        raise ConfigError(f"project name {name!r} must start with a letter and hold only letters, digits, "
                          "'_' and '-'", rule="bad-name", hint="pass --name")
    existing = [rel for rel in FILES if (dest / rel).exists()]
    if existing and not force:
        raise ConfigError(f"{dest} already holds {', '.join(existing)}", rule="exists",
                          hint="choose an empty folder or pass --force")
    written = []
    for rel, template in FILES.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(name=name) if template else "", encoding="utf-8")
        written.append(path)
    return written
