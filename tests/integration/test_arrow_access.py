"""The JVM sqlflow starts for the embedded target has Arrow's per-value bounds checks off.

Flink's Python operators write every row into Arrow vectors; with Arrow's bounds and
reference-count checks on, they took about a quarter of the task thread in a profile of a
UDF job (bench/RESULTS.md).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_embedded_jvm_runs_arrow_without_bounds_checks(flink_cluster) -> None:
    from pyflink.java_gateway import get_gateway

    arrow = get_gateway().jvm.org.apache.flink.api.python.shaded.org.apache.arrow.memory
    assert arrow.BoundsChecking.BOUNDS_CHECKING_ENABLED is False
