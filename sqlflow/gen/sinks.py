"""Where generated data goes: a folder of files per source, or Kafka topics.

Files: ``<out>/<source>/part-00000.jsonl|csv`` (one record a line) and the
ground truth under ``<out>/_truth/`` (``summary.json``; with ``truth=True``
also ``delivered.csv`` and the true events ``impressions.csv``,
``clicks.csv``, ``suggestions.csv``, ``outcomes.csv``). Kafka: one topic per
source (``<prefix><source>``), one message per line, written to partition 0
so a topic's offsets are the source's ``seq`` numbers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Iterable, Iterator

from tqdm import tqdm

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
    try:
        for src in SOURCES:
            path = source_path(out, src)
            path.parent.mkdir(parents=True, exist_ok=True)
            handles[src] = path.open("w", encoding="utf-8", newline="\n")
        headers: set[str] = set()
        for batch in _progress(cfg, iter_batches(cfg), progress):
            summary.add(batch)
            for src, lines in batch.lines.items():
                if lines:
                    handles[src].write("\n".join(lines) + "\n")
            if truth:
                _append_csv(truth_dir / "delivered.csv", batch.delivered, headers)
                for kind, name in _EVENT_FILES.items():
                    if kind in batch.events:
                        _append_csv(truth_dir / f"{name}.csv", batch.events[kind], headers)
    finally:
        for h in handles.values():
            h.close()
    (truth_dir / "summary.json").write_text(
        json.dumps({"config": _config_dict(cfg), **summary.to_dict()}, indent=2) + "\n", encoding="utf-8")
    return summary


def _append_csv(path: Path, frame, headers: set[str]) -> None:
    first = str(path) not in headers
    if first:
        headers.add(str(path))
    if len(frame) or first:
        frame.to_csv(path, mode="w" if first else "a", header=first, index=False)


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
    bootstrap: str,
    topic_prefix: str = "",
    progress: bool = False,
    producer_config: dict | None = None,
) -> Summary:
    """Send every source to Kafka through a batching KafkaProducer; waits for all acks."""
    from kafka import KafkaProducer
    from kafka.errors import KafkaError

    config = {"bootstrap_servers": bootstrap, "linger_ms": 50, "batch_size": 512 * 1024,
              "acks": 1, "max_request_size": 4 * 1024 * 1024, "client_id": "sqlflow-gen"}
    config.update(producer_config or {})
    try:
        producer = KafkaProducer(**config)
    except KafkaError as exc:
        raise ServiceError(f"cannot reach Kafka at {bootstrap}: {exc}",
                           hint="is the broker running? (sqlflow up)", rule="kafka") from exc
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
