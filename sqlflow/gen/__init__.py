"""Seeded sample data for the ad and chat product that sqlflow's pipelines serve.

Usage::

    from sqlflow.gen import GenConfig, generate, write_files

    data = generate(GenConfig(rows=500, seed=7))
    data.lines["impressions_json"][0]      # a raw JSON line
    data.truth.broken()                    # {(source, seq): reason}
    write_files(GenConfig(rows=10_000_000), "data/")   # streamed, bounded memory

The schema of every source is in :mod:`sqlflow.gen.schema`; the model
features, with the SQL that computes them, in :mod:`sqlflow.gen.features`.
"""

from __future__ import annotations

from sqlflow.gen.config import GenConfig
from sqlflow.gen.generate import Batch, Dataset, GroundTruth, Summary, generate, iter_batches, true_events
from sqlflow.gen.schema import SOURCES, SourceSchema
from sqlflow.gen.sinks import write_files, write_kafka

__all__ = [
    "Batch", "Dataset", "GenConfig", "GroundTruth", "SOURCES", "SourceSchema", "Summary",
    "generate", "iter_batches", "true_events", "write_files", "write_kafka",
]
