"""A background process that ended is not running, even while it lingers as a zombie."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from sqlflow.kafka.broker import detached_broker, pid_running


def test_a_zombie_is_not_running(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # ended, not yet reaped: a zombie
        with open(f"/proc/{child.pid}/stat") as f:
            if f.read().rsplit(")", 1)[-1].split()[0] == "Z":
                break
        time.sleep(0.05)
    os.kill(child.pid, 0)  # kill -0 still finds it
    assert pid_running(child.pid) is False
    (tmp_path / "kafka.pid").write_text(f"{child.pid} 9092 /data\n")
    assert detached_broker(tmp_path / "kafka.pid") is None  # so `sqlflow up` starts a broker again
    child.wait()
    assert pid_running(child.pid) is False
    assert pid_running(os.getpid()) is True
