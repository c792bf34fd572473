from __future__ import annotations

from pathlib import Path

from sqlflow.deploy.jobs import JobRow, _io, format_rows
from sqlflow.config import resolve_settings
from sqlflow.deploy.plan import build_plan
from sqlflow.deploy.steps import _statement_location
from sqlflow.deploy.watch import failure_location
from sqlflow.flink.java import cause_of, message_of

TRACE = """org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy
\tat org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler.handleFailure(X.java:1)
Caused by: java.lang.RuntimeException: wrapped
\tat a.b(C.java:2)
Caused by: java.lang.NumberFormatException: For input string: "12x"
\tat java.lang.Long.parseLong(Long.java:3)
"""


def test_root_cause_is_the_deepest_cause():
    assert cause_of(TRACE) == 'For input string: "12x"'
    assert cause_of("plain text failure\nmore") == "plain text failure"


def test_short_error_skips_wrappers_and_java_class_names():
    exc = Exception("org.apache.flink.table.api.TableException: Failed to execute sql\n\tat x.y(Z.java:1)\n"
                    "Caused by: java.util.concurrent.CompletionException: java.lang.IllegalStateException: boom\n"
                    "Caused by: org.apache.flink.table.api.ValidationException: Column 'kk' not found\n")
    assert message_of(exc) == "Column 'kk' not found"
    assert message_of(Exception("org.apache.flink.table.api.ValidationException: bad option")) == "bad option"


def test_planner_positions_map_to_the_file(project):
    job = build_plan(resolve_settings(project, target="local")).job("feedback.counts")
    # the INSERT starts at line 4 of counts.sql; Flink counts lines inside the statement
    loc = _statement_location(job, 2, "From line 2, column 11 to line 2, column 12: Column 'kk' not found")
    assert (Path(loc.file).name, loc.line, loc.column) == ("counts.sql", 5, 11)
    loc = _statement_location(job, 0, "SQL parse failed. Encountered \"x\" at line 1, column 8.")
    assert (Path(loc.file).name, loc.line, loc.column) == ("tables.sql", 2, 8)
    loc = failure_location(job, "no position here")
    assert (Path(loc.file).name, loc.line, loc.column) == ("counts.sql", 4, 1)


def test_records_in_and_out_come_from_sources_and_sinks():
    detail = {
        "plan": {"nodes": [{"id": "a", "inputs": []}, {"id": "b", "inputs": [{"id": "a"}]},
                           {"id": "c", "inputs": [{"id": "b"}]}]},
        "vertices": [{"id": "a", "metrics": {"read-records": 0, "write-records": 40}},
                     {"id": "b", "metrics": {"read-records": 40, "write-records": 38}},
                     {"id": "c", "metrics": {"read-records": 38, "write-records": 0}}],
    }
    assert _io(detail) == (40, 38)


def test_rows_are_an_aligned_table():
    rows = [JobRow("demo.a", "j1", "RUNNING", 75.0, 10, 9, "http://h/#/job/running/j1/overview"),
            JobRow("demo.longer", "j2", "RESTARTING", 4000.0, 0, 0, "http://h/#/job/running/j2/overview")]
    assert format_rows(rows).splitlines() == [
        "NAME         STATE       UPTIME  IN  OUT  DASHBOARD",
        "demo.a       RUNNING     1m15s   10  9    http://h/#/job/running/j1/overview",
        "demo.longer  RESTARTING  1h06m   0   0    http://h/#/job/running/j2/overview",
    ]
    assert format_rows([]) == "no jobs of this project are running"


def test_records_in_and_out_come_from_source_and_sink_operators_inside_a_chain():
    from sqlflow.deploy.jobs import _operator_io

    metrics = {  # one vertex: Source -> Calc -> Writer, as Flink names their metrics
        "Source__clicks[1].numRecordsOut": 500.0, "Source__clicks[1].numRecordsIn": 0.0,
        "Calc[2].numRecordsIn": 500.0, "Calc[2].numRecordsOut": 480.0,
        "scored[3]__Writer.numRecordsIn": 480.0, "numRecordsIn": 0.0, "numRecordsOut": 0.0,
        "Sink__legacy[5].numRecordsIn": 20.0,
    }
    assert _operator_io(metrics) == (500, 500)
    assert _operator_io({"numRecordsIn": 3.0, "Calc[2].numRecordsOut": 3.0}) is None
