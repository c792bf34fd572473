"""Shared fixtures: the real Kafka broker and Flink mini-cluster start once per session."""

import pytest

from sqlflow.scrub import forget_secrets

pytest_plugins = ["sqlflow.testing"]


@pytest.fixture(autouse=True)
def _forget_secrets():
    """Secret values a test registers are hidden only within that test."""
    yield
    forget_secrets()
