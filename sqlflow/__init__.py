"""sqlflow: a streaming SQL platform on Apache Flink for the data loop of a deep-learning product."""

from __future__ import annotations

__version__ = "0.1.0"

#: The Flink release sqlflow runs on, and the Kafka SQL connector built for it.
FLINK_VERSION = "2.2.1"
KAFKA_CONNECTOR_VERSION = "5.0.0-2.2"
#: Apache Kafka broker release started for development and tests (the one the connector is built against).
KAFKA_VERSION = "4.2.0"
