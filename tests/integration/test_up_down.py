"""`sqlflow up --kafka-only` leaves a real broker running in the background; `sqlflow down` stops it."""

from __future__ import annotations


import pytest
from click.testing import CliRunner

from sqlflow.cli.main import cli
from sqlflow.kafka.broker import detached_broker, free_port
from sqlflow.testing import consume, produce_json

pytestmark = pytest.mark.integration


def test_up_kafka_only_then_down(tmp_path):
    port = free_port()
    (tmp_path / "sqlflow.yaml").write_text(f"name: updown\ntargets:\n  local: {{kafka_port: {port}}}\n")
    runner = CliRunner()
    up = runner.invoke(cli, ["up", "--project", str(tmp_path), "--kafka-only"])
    pid_file = tmp_path / ".sqlflow" / "kafka.pid"
    try:
        assert up.exit_code == 0, up.output
        assert up.output == f"kafka: 127.0.0.1:{port} (data in {tmp_path / '.sqlflow' / 'kafka'})\n"
        running = detached_broker(pid_file)
        assert running is not None and running[1] == f"127.0.0.1:{port}"
        again = runner.invoke(cli, ["up", "--project", str(tmp_path), "--kafka-only"])
        assert again.output == f"kafka: already running on 127.0.0.1:{port} (pid {running[0]})\n"
        produce_json(f"127.0.0.1:{port}", "t", [{"a": 1}, {"a": 2}])
        assert consume(f"127.0.0.1:{port}", "t", expected=2) == [{"a": 1}, {"a": 2}]
    finally:
        down = runner.invoke(cli, ["down", "--project", str(tmp_path)])
    assert down.exit_code == 0, down.output
    assert down.output == "flink: was not running\nkafka: stopped\n"
    assert detached_broker(pid_file) is None
    assert runner.invoke(cli, ["down", "--project", str(tmp_path)]).output.splitlines()[-1] == "kafka: was not running"
