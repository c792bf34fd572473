"""Every mistake in a test file is reported, at its place; jobs read through the compiled project."""

from __future__ import annotations

from pathlib import Path

import pytest

from sqlflow.errors import Diagnostics
from sqlflow.sqltest import SqlTestRunner
from sqlflow.sqltest.plan import plan_test
from sqlflow.sqltest.spec import load_test
from sqlflow.sqltest.subject import read_job

JOB = """CREATE TABLE events (
    id BIGINT,
    kind STRING,
    ts TIMESTAMP(3),
    WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'kafka', 'topic' = 'events', 'properties.bootstrap.servers' = 'k:9092',
    'scan.startup.mode' = 'earliest-offset', 'format' = 'json');

CREATE TABLE per_kind (kind STRING, n BIGINT, PRIMARY KEY (kind) NOT ENFORCED) WITH (
    'connector' = 'upsert-kafka', 'topic' = 'per_kind', 'properties.bootstrap.servers' = 'k:9092',
    'key.format' = 'json', 'value.format' = 'json');

INSERT INTO per_kind SELECT kind, COUNT(*) FROM events GROUP BY kind;
"""

TEST = """\
timeout: soon
inputs:
  events:
    - {id: 1, kind: view, ts: 2024-01-01T00:00:05Z}
    - {id: 2, knd: click, ts: "2024-01-01 00:00:06"}
expect:
  per_kind:
    ordred: true
    rows:
      - {kind: view, n: 1, nn: 2}
  per_knd: []
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "sql").mkdir()
    (tmp_path / "sqlflow.yaml").write_text("name: p\n")
    (tmp_path / "sql" / "events.sql").write_text(JOB)
    (tmp_path / "sql" / "events.test.yaml").write_text(TEST)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_file_with_several_mistakes_reports_each(project):
    result = SqlTestRunner().run("sql/events.test.yaml")
    assert isinstance(result.error, Diagnostics)
    assert result.report().splitlines() == [
        "FAIL events (sql/events.test.yaml)",
        "  sql/events.test.yaml:1:10: error[test-file]: 'timeout' must be a positive number of seconds",
        "     1 | timeout: soon",
        "       |          ^^^^",
        "",
        "  sql/events.test.yaml:4:31: error[test-row]: bad value for events.ts (TIMESTAMP(3)): json reads "
        "TIMESTAMP(3) as 'yyyy-MM-dd HH:mm:ss[.SSS]' ('json.timestamp-format.standard' = 'SQL'), "
        "not 2024-01-01T00:00:05Z",
        "     4 |     - {id: 1, kind: view, ts: 2024-01-01T00:00:05Z}",
        "       |                               ^^^^^^^^^^^^^^^^^^^^",
        "    = note: events reads json ('format' = 'json' at sql/events.sql:7:46): the test writes each row as "
        "its producers do, and the real job refuses this value the same way",
        "    = help: write 2024-01-01 00:00:05",
        "",
        "  sql/events.test.yaml:5:15: error[test-row]: table events has no column 'knd'",
        "     5 |     - {id: 2, knd: click, ts: \"2024-01-01 00:00:06\"}",
        "       |               ^^^",
        "    = help: did you mean 'kind'?",
        "",
        "  sql/events.test.yaml:8:5: error[test-file]: unknown key 'ordred' in expect.per_kind",
        "     8 |     ordred: true",
        "       |     ^^^^^^",
        "    = help: did you mean 'ordered'?",
        "",
        "  sql/events.test.yaml:10:28: error[test-row]: per_kind has no written column 'nn'",
        "    10 |       - {kind: view, n: 1, nn: 2}",
        "       |                            ^^",
        "    = help: did you mean 'n'?",
        "",
        "  sql/events.test.yaml:11:3: error[test-table]: expect names table 'per_knd', which events.sql does not "
        "INSERT into",
        "    11 |   per_knd: []",
        "       |   ^^^^^^^",
        "    = help: did you mean 'per_kind'?",
    ]


def test_load_test_raises_every_mistake_of_the_file(project):
    (project / "sql" / "events.test.yaml").write_text("expct: {}\nend_of_input: maybe\nexpect:\n  out: {ordered: 1}\n")
    with pytest.raises(Diagnostics) as err:
        load_test("sql/events.test.yaml")
    assert [(e.location.line, e.message) for e in err.value.errors] == [
        (1, "unknown key 'expct' in test file"),
        (2, "'end_of_input' must be true or false"),
        (4, "expect.out needs 'rows' (a list, [] for none)"),
        (4, "'ordered' must be true or false"),
    ]


def test_a_table_from_a_shared_file_is_an_input(project):
    (project / "sql" / "common").mkdir()
    (project / "sql" / "common" / "sources.sql").write_text(JOB.split(";")[0] + ";\n")
    (project / "sql" / "events.sql").write_text(";".join(JOB.split(";")[1:]).lstrip())
    (project / "sql" / "events.test.yaml").write_text("inputs: {events: []}\nexpect: {per_kind: []}\n")
    test = load_test("sql/events.test.yaml")
    job = read_job(test.job)
    plan = plan_test(test, job)
    assert (sorted(plan.sources), sorted(plan.sinks)) == (["events"], ["per_kind"])
    assert job.table_statements["events"].location.file == "sql/common/sources.sql"
    assert [s.kind for s in job.statements] == ["table", "table", "insert"]


def test_a_missing_input_of_a_shared_table_points_at_its_read(project):
    (project / "sql" / "common").mkdir()
    (project / "sql" / "common" / "sources.sql").write_text(JOB.split(";")[0] + ";\n")
    (project / "sql" / "events.sql").write_text(";".join(JOB.split(";")[1:]).lstrip())
    (project / "sql" / "events.test.yaml").write_text("expect: {per_kind: []}\n")
    result = SqlTestRunner().run(Path("sql/events.test.yaml"))
    assert str(result.error) == ("sql/events.test.yaml:1:1: events.sql reads table 'events' (at sql/events.sql:5:49), "
                                 "but the test gives no rows for it (add 'inputs: {events: []}' for an empty input)")
