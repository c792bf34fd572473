"""Seeded sample data for the ad and chat product that sqlflow's pipelines serve.

Usage (run as a test)::

    >>> from sqlflow.gen import GenConfig, generate
    >>> data = generate(GenConfig(rows=200, seed=7))
    >>> data.lines["impressions_csv"][0]
    'imp-0000000000,u0000014,a000002,2026-01-05T00:00:00.031Z,3,0.04368,0.041861,ctr-v1'
    >>> data.truth.broken()[("impressions_json", 89)]
    'wrong_type'
    >>> data.summary.lines["users"], len(data.truth.impressions)
    (50, 200)

Large runs stream in chunks with bounded memory: ``write_files(GenConfig(
rows=10_000_000), "data/", progress=True)`` or ``write_kafka(cfg,
"localhost:9092")``; ``sqlflow gen`` is the command line for both.

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
