"""sqlflow: a streaming SQL platform on Apache Flink for the data loop of a deep-learning product."""

from __future__ import annotations

import os

__version__ = "0.1.0"

#: The Flink release sqlflow runs on, and the Kafka SQL connector built for it.
FLINK_VERSION = "2.2.1"
KAFKA_CONNECTOR_VERSION = "5.0.0-2.2"
#: Apache Kafka broker release started for development and tests (the one the connector is built against).
KAFKA_VERSION = "4.2.0"

#: Flink's Python operators hand rows to Python through Apache Arrow's Java library, which
#: checks bounds and reference counts on every value it writes; switching that off makes the
#: UDF bridge markedly cheaper (bench/RESULTS.md). Every JVM sqlflow starts (the embedded
#: mini-cluster, the local cluster) inherits this; set it to "false" to keep the checks.
os.environ.setdefault("ARROW_ENABLE_UNSAFE_MEMORY_ACCESS", "true")
