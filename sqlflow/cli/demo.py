"""``sqlflow demo``: the four shipped pipelines end to end on a generated sample, with a report."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from sqlflow.errors import JobError


@click.command("demo")
@click.option("--rows", type=int, default=2000, show_default=True, help="Impressions to generate.")
@click.option("--seed", type=int, default=7, show_default=True, help="Seed of the sample.")
@click.option("--rate", type=float, default=5.0, show_default=True, help="Impressions per second of event time.")
@click.option("--users", type=int, default=200, show_default=True, help="Users (batch scoring scores users x ads).")
@click.option("--ads", type=int, default=100, show_default=True, help="Ads.")
@click.option("--requests", type=int, default=200, show_default=True, help="Requests sent to streaming scoring.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("out"), show_default=True,
              help="Where the jobs' files, the report (demo_report.json) and the plot go.")
@click.option("--port", type=int, default=None, envvar="SQLFLOW_REST_PORT",
              help="Dashboard port (default: the project's; 0 = any free port).")
def command(rows: int, seed: int, rate: float, users: int, ads: int, requests: int, out: Path,
            port: int | None) -> None:
    """Start Kafka and a Flink mini-cluster, run curation, analysis, scoring and feedback on a sample."""
    # the demo pulls in numpy, pandas, matplotlib and kafka-python: not on `sqlflow --help`'s path
    from sqlflow.demo.run import DemoOptions, run_demo

    if not logging.getLogger().isEnabledFor(logging.DEBUG):  # kafka-python's warnings are noise here
        logging.getLogger("kafka").setLevel(logging.ERROR)

    report = run_demo(DemoOptions(rows=rows, seed=seed, rate=rate, users=users, ads=ads, requests=requests,
                                  out=out, rest_port=port), echo=click.echo)
    if not report["curation"]["balanced"]:
        raise JobError("curation does not account for every input record (see the report above)")
