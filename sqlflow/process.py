"""Child processes with a time limit that really ends them.

``subprocess.run(timeout=...)`` kills only the child it started; a child that
started its own (PyFlink's client starts a JVM, a shell script starts
``sleep`` or Java) would live on. :func:`run_bounded` starts the child in a
session of its own and, when the time is up, kills that whole process group,
then raises :class:`subprocess.TimeoutExpired` for the caller to turn into a
clear error.
"""

from __future__ import annotations

import os
import signal
import subprocess
from typing import Any, Sequence


def run_bounded(args: Sequence[str], timeout: float, input: str | None = None,
                **kwargs: Any) -> subprocess.CompletedProcess:
    """Run ``args`` to the end with text output captured; past ``timeout`` seconds kill it and every
    process it started, and raise ``subprocess.TimeoutExpired``."""
    proc = subprocess.Popen(list(args), stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            **kwargs)
    try:
        out, err = proc.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


__all__ = ["run_bounded"]
