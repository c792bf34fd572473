"""Declarative tests for SQL jobs: input rows in, expected rows out, on a real Flink mini-cluster.

A test is a YAML file beside its job (see :mod:`sqlflow.sqltest.spec` for the
format). The job is taken from the compiled project and runs as compiled;
only its connectors are swapped for bounded sources over the test's rows
(written in each table's own format) and collecting sinks::

    from sqlflow.sqltest import SqlTestRunner

    with SqlTestRunner() as runner:
        result = runner.run("sql/feedback/ctr_metrics.test.yaml")
        print(result.report())      # PASS ... or FAIL ... and a row-level diff
"""

from __future__ import annotations

from sqlflow.sqltest.runner import SqlTestRunner, TestResult, find_tests, run_tests
from sqlflow.sqltest.spec import SqlTest, TestSpecError, load_test, read_test, test_from_dict

__all__ = ["SqlTest", "SqlTestRunner", "TestResult", "TestSpecError", "find_tests", "load_test", "read_test",
           "run_tests", "test_from_dict"]
