"""A real Kafka broker for development and tests, and small client helpers."""

from sqlflow.kafka.broker import KafkaBroker, free_port

__all__ = ["KafkaBroker", "free_port"]
