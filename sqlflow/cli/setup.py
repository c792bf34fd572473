"""``sqlflow setup``: fetch the pinned jars Flink's Python package lacks (once, cached)."""

from __future__ import annotations

import click

from sqlflow import FLINK_VERSION, KAFKA_CONNECTOR_VERSION, KAFKA_VERSION
from sqlflow.jars import ensure_jars
from sqlflow.paths import flink_home


@click.command("setup")
def command() -> None:
    """Fetch the Kafka SQL connector and Kafka broker jars from Maven Central."""
    jars = ensure_jars()
    click.echo(f"Flink {FLINK_VERSION}: {flink_home()}")
    click.echo(f"Kafka SQL connector {KAFKA_CONNECTOR_VERSION}: {jars.kafka_connector}")
    click.echo(f"Kafka {KAFKA_VERSION} broker: {jars.kafka_broker_dir}")
