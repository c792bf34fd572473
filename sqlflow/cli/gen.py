"""``sqlflow gen``: write the sample data set to files or Kafka topics."""

from __future__ import annotations

import json

import click

from sqlflow.config import load_config
from sqlflow.errors import ConfigError


@click.command("gen")
@click.option("--out", "out", type=click.Path(file_okay=False), help="Write a folder per source under DIR.")
@click.option("--kafka", "kafka", metavar="BOOTSTRAP", help="Send to Kafka topics (one per source) at host:port.")
@click.option("--rows", type=int, default=1000, show_default=True, help="Impressions to generate.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed; the same seed gives the same data.")
@click.option("--broken-share", type=float, default=0.02, show_default=True,
              help="Share of impression and click records that are broken.")
@click.option("--duplicate-share", type=float, default=0.02, show_default=True,
              help="Share of impression and click events delivered twice.")
@click.option("--late-share", type=float, default=0.01, show_default=True,
              help="Share of event records delivered beyond the out-of-order bound.")
@click.option("--max-delay-ms", type=int, default=5000, show_default=True, help="Out-of-order bound.")
@click.option("--rate", type=float, default=20.0, show_default=True, help="Impressions per second of event time.")
@click.option("--topic-prefix", default="", help="Prefix of the Kafka topic names.")
@click.option("--truth/--no-truth", default=True, show_default=True,
              help="With --out, also write the per-record ground truth under _truth/.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.option("--progress/--no-progress", default=None, help="Progress bar on stderr (default: above 100k rows).")
@click.option("--describe", is_flag=True, help="Print the schema of every source (Flink column lists) and exit.")
def command(out: str | None, kafka: str | None, rows: int, seed: int, broken_share: float,
            duplicate_share: float, late_share: float, max_delay_ms: int, rate: float, topic_prefix: str,
            truth: bool, as_json: bool, progress: bool | None, describe: bool) -> None:
    """Generate the sample ad and chat data set (seeded, deterministic)."""
    # the generator pulls in numpy and pandas: not on `sqlflow --help`'s path
    from sqlflow.gen import GenConfig, write_files, write_kafka

    if describe:
        from sqlflow.gen.schema import describe as schema_text

        click.echo(schema_text())
        return
    if (out is None) == (kafka is None):
        raise ConfigError("give exactly one of --out DIR or --kafka BOOTSTRAP", rule="cli")
    cfg = GenConfig(rows=rows, seed=seed, broken_share=broken_share, duplicate_share=duplicate_share,
                    late_share=late_share, max_delay_ms=max_delay_ms, rate=rate)
    show = progress if progress is not None else rows > 100_000
    if out is not None:
        summary = write_files(cfg, out, truth=truth, progress=show)
        where = f"wrote {out}"
    else:
        summary = write_kafka(cfg, load_config().kafka_client(kafka), topic_prefix=topic_prefix, progress=show)
        where = f"sent to Kafka at {kafka}" + (f" (topic prefix {topic_prefix!r})" if topic_prefix else "")
    if as_json:
        click.echo(json.dumps(summary.to_dict(), indent=2))
    else:
        click.echo(f"{where}: seed {seed}, {rows} impressions")
        click.echo(summary.to_text())
