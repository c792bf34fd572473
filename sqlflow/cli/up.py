"""``sqlflow up``: start the local development stack (Kafka broker, and a standalone Flink cluster)."""

from __future__ import annotations

from pathlib import Path

import click

from sqlflow.context import Context
from sqlflow.kafka.broker import KafkaBroker, detached_broker, stop_detached


def _pid_file(root: Path) -> Path:
    state = root / ".sqlflow"
    state.mkdir(exist_ok=True)
    return state / "kafka.pid"


@click.command("up")
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: the one holding sqlflow.yaml).")
@click.option("--kafka-only", is_flag=True, help="Start only the Kafka broker.")
def command(project: Path | None, kafka_only: bool) -> None:
    """Start a KRaft Kafka broker and a local Flink cluster in the background; `sqlflow down` stops them."""
    ctx = Context.load(project)
    config = ctx.config
    pid_file = _pid_file(config.root)
    running = detached_broker(pid_file)
    if running:
        click.echo(f"kafka: already running on {running[1]} (pid {running[0]})")
    else:
        data = config.state_path / "kafka"
        broker = KafkaBroker(port=config.local.kafka_port, data_dir=data, keep_data=True)
        broker.start()
        broker.detach(pid_file)
        click.echo(f"kafka: {broker.bootstrap} (data in {data})")
    if kafka_only:
        return
    info = ctx.up()
    click.echo(f"flink: dashboard at {info.dashboard_url}")


@click.command("down")
@click.option("--project", type=click.Path(file_okay=False, path_type=Path), default=None)
def down(project: Path | None) -> None:
    """Stop what `sqlflow up` started."""
    ctx = Context.load(project)
    click.echo("flink: stopped" if ctx.down() else "flink: was not running")
    stopped = stop_detached(ctx.config.state_path / "kafka.pid")
    click.echo("kafka: stopped" if stopped else "kafka: was not running")
