"""Where generated data goes: a folder of files per source, or Kafka topics.

Files: ``<out>/<source>/part-00000.jsonl|csv`` (one record a line) and the
ground truth under ``<out>/_truth/`` (``summary.json``; with ``truth=True``
also ``delivered.parquet`` and the true events ``impressions.parquet``,
``clicks.parquet``, ``suggestions.parquet``, ``outcomes.parquet``, with the
columns of :class:`~sqlflow.gen.generate.GroundTruth`; Parquet because it
writes ten times faster than CSV at tens of millions of rows, and
``pandas.read_parquet`` reads it back). Kafka: one topic per
source (``<prefix><source>``), one message per line, written to partition 0
so a topic's offsets are the source's ``seq`` numbers.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import IO, Iterable, Iterator

import pandas as pd
from tqdm import tqdm

from sqlflow.access import KafkaConnection, bootstrap_of, kafka_options
from sqlflow.errors import ServiceError
from sqlflow.gen.config import GenConfig
from sqlflow.gen.generate import Batch, Summary, iter_batches
from sqlflow.gen.schema import SOURCES, file_suffix

TRUTH_DIR = "_truth"
_EVENT_FILES = {"impression": "impressions", "click": "clicks", "suggestion": "suggestions", "outcome": "outcomes"}


def _progress(cfg: GenConfig, batches: Iterable[Batch], show: bool) -> Iterator[Batch]:
    """Batches, with a tqdm bar of impressions done on stderr when ``show``."""
    bar = tqdm(total=cfg.rows, unit="imp", unit_scale=True, file=sys.stderr, disable=not show,
               desc="sqlflow gen")
    try:
        for batch in batches:
            yield batch
            bar.update(batch.impressions_done)
    finally:
        bar.close()


def source_path(out: str | Path, source: str) -> Path:
    """The part file of ``source`` under ``out``."""
    return Path(out) / source / f"part-00000.{file_suffix(source)}"


def write_files(cfg: GenConfig, out: str | Path, truth: bool = True, progress: bool = False) -> Summary:
    """Write every source as files under ``out`` (replacing earlier part files)."""
    out = Path(out)
    summary = Summary()
    handles: dict[str, IO[str]] = {}
    truth_dir = out / TRUTH_DIR
    truth_dir.mkdir(parents=True, exist_ok=True)
    tables = _TruthWriter(truth_dir)
    try:
        for src in SOURCES:
            path = source_path(out, src)
            path.parent.mkdir(parents=True, exist_ok=True)
            handles[src] = path.open("w", encoding="utf-8", newline="\n")
        for batch in _progress(cfg, iter_batches(cfg), progress):
            summary.add(batch)
            for src, lines in batch.lines.items():
                if lines:
                    handles[src].write("\n".join(lines) + "\n")
            if truth:
                tables.append("delivered", batch.delivered)
                for kind, name in _EVENT_FILES.items():
                    if kind in batch.events:
                        tables.append(name, batch.events[kind])
    finally:
        for h in handles.values():
            h.close()
        tables.close()
    (truth_dir / "summary.json").write_text(
        json.dumps({"config": _config_dict(cfg), **summary.to_dict()}, indent=2) + "\n", encoding="utf-8")
    return summary


class _TruthWriter:
    """Appends frames to ``<dir>/<name>.parquet``, one row group per batch."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.writers: dict[str, object] = {}

    def append(self, name: str, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not len(frame):
            return
        writer = self.writers.get(name)
        if writer is None:
            table = pa.Table.from_pandas(frame.astype(_TRUTH_TYPES.get(name, {})), preserve_index=False)
            writer = self.writers[name] = pq.ParquetWriter(self.folder / f"{name}.parquet", table.schema)
        else:
            table = pa.Table.from_pandas(frame.astype(_TRUTH_TYPES.get(name, {})), schema=writer.schema,
                                         preserve_index=False)
        writer.write_table(table)

    def close(self) -> None:
        for w in self.writers.values():
            w.close()


#: Column types that a first batch could leave as object.
_TRUTH_TYPES = {"delivered": {"seq": "int64", "event_time": "int64", "copy": "int64", "delay_ms": "int64",
                              "duplicate": bool, "late_injected": bool, "late": bool}}


def _config_dict(cfg: GenConfig) -> dict:
    from dataclasses import asdict

    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(cfg).items()}


def kafka_messages(batch: Batch, prefix: str = "") -> Iterator[tuple[str, bytes]]:
    """(topic, value) for every line of a batch, in source order."""
    for src in SOURCES:
        for line in batch.lines.get(src, ()):
            yield prefix + src, line.encode("utf-8")


def write_kafka(
    cfg: GenConfig,
    bootstrap: str | KafkaConnection,
    topic_prefix: str = "",
    progress: bool = False,
    producer_config: dict | None = None,
) -> Summary:
    """Send every source to Kafka through a batching KafkaProducer; waits for all acks.

    ``bootstrap`` is the servers, or a :class:`~sqlflow.access.KafkaConnection` (TLS, SASL)."""
    from kafka import KafkaProducer
    from kafka.errors import KafkaError, KafkaTimeoutError

    config = {**kafka_options(bootstrap), "linger_ms": 50, "batch_size": 512 * 1024,
              "acks": 1, "max_request_size": 4 * 1024 * 1024, "client_id": "sqlflow-gen",
              "bootstrap_timeout_ms": 10_000}
    config.update(producer_config or {})
    kafka_log = logging.getLogger("kafka")
    level = kafka_log.level
    if not kafka_log.isEnabledFor(logging.DEBUG):  # one error below says it all, unless --debug
        kafka_log.setLevel(logging.CRITICAL)
    try:
        producer = KafkaProducer(**config)
    except KafkaTimeoutError as exc:
        raise ServiceError(f"cannot reach Kafka at {bootstrap_of(bootstrap)}: no broker answered within "
                           f"{config['bootstrap_timeout_ms'] / 1000:g} s",
                           hint="is the broker running? (sqlflow up)", rule="kafka") from exc
    except KafkaError as exc:
        raise ServiceError(f"cannot reach Kafka at {bootstrap_of(bootstrap)}: {exc}",
                           hint="is the broker running? (sqlflow up)", rule="kafka") from exc
    finally:
        kafka_log.setLevel(level)
    summary = Summary()
    failures: list[BaseException] = []
    try:
        for batch in _progress(cfg, iter_batches(cfg), progress):
            summary.add(batch)
            for topic, value in kafka_messages(batch, topic_prefix):
                producer.send(topic, value=value, partition=0).add_errback(failures.append)
            if failures:
                break
        producer.flush()
    finally:
        producer.close()
    if failures:
        raise ServiceError(f"Kafka refused {len(failures)} message(s): {failures[0]}", rule="kafka")
    return summary
