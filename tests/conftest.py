"""Shared fixtures: the real Kafka broker and Flink mini-cluster start once per session."""

pytest_plugins = ["sqlflow.testing"]
